// A private MariaDB primary and replica for replication tests: two `mariadbd` processes on free loopback ports
// with data directories in a temporary folder, GTID replication set up between them
// (https://mariadb.com/kb/en/gtid/#setting-up-a-new-replica-server-with-global-transaction-id). The shared
// MariaDB on 3306 is never touched; stop() ends both processes and deletes their data, and so does this process
// ending (exit, SIGINT, SIGTERM) without stop().
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import mysql from 'mysql2/promise';
import { freePort } from './free-port.js';

const run = promisify(execFile);
const MARIADBD = process.env.TEST_MARIADBD ?? '/usr/sbin/mariadbd';
const INSTALL_DB = process.env.TEST_MARIADB_INSTALL_DB ?? 'mariadb-install-db';
/** mariadbd refuses to run as root unless told to (CI containers run as root). */
const AS_USER = process.getuid?.() === 0 ? ['--user=root'] : [];

export interface MariadbServer {
  port: number;
  url: string;
  /** Runs one statement as root. */
  sql<T = mysql.RowDataPacket[]>(text: string, values?: unknown[]): Promise<T>;
}

export interface Replication {
  primary: MariadbServer;
  replica: MariadbServer;
  /**
   * The replica as user `reader`, who may only SELECT (and wait for GTIDs): a write sent to the replica fails
   * rather than landing there (root may write to a read_only server).
   */
  replicaReaderUrl: string;
  stop(): Promise<void>;
}

/** Starts mariadbd on a fresh data directory; resolves once it accepts connections. */
async function startServer(
  dir: string,
  name: string,
  serverId: number,
  procs: ChildProcess[],
  bufferPoolMb: number,
): Promise<MariadbServer> {
  const datadir = join(dir, name);
  // A temporary folder of its own: two bootstraps sharing /tmp trip over each other's temporary tables.
  const tmp = join(dir, `${name}-tmp`);
  await mkdir(tmp);
  await run(
    INSTALL_DB,
    ['--no-defaults', `--datadir=${datadir}`, `--tmpdir=${tmp}`, '--auth-root-authentication-method=normal', '--skip-test-db', ...AS_USER],
    { timeout: 120_000 },
  );
  const port = await freePort();
  const proc = spawn(
    MARIADBD,
    [
      '--no-defaults',
      ...AS_USER,
      `--datadir=${datadir}`,
      `--tmpdir=${tmp}`,
      `--port=${port}`,
      '--bind-address=127.0.0.1',
      `--socket=${join(dir, `${name}.sock`)}`,
      `--pid-file=${join(dir, `${name}.pid`)}`,
      `--server-id=${serverId}`,
      `--log-bin=${join(datadir, 'binlog')}`,
      '--gtid-strict-mode=1',
      '--binlog-format=ROW',
      `--innodb-buffer-pool-size=${bufferPoolMb}M`,
      '--innodb-log-file-size=16M',
      '--skip-name-resolve',
      '--max-connections=100',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let log = '';
  proc.stderr.on('data', (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-4000);
  });
  procs.push(proc);
  const url = `mysql://root@127.0.0.1:${port}`;
  const until = Date.now() + 60_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`mariadbd ${name} exited (${proc.exitCode}): ${log}`);
    try {
      const conn = await mysql.createConnection({ host: '127.0.0.1', port, user: 'root', connectTimeout: 1000 });
      await conn.end();
      break;
    } catch {
      if (Date.now() > until) throw new Error(`mariadbd ${name} did not accept connections within 60 s: ${log}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  return {
    port,
    url,
    async sql<T>(text: string, values: unknown[] = []) {
      const conn = await mysql.createConnection({ host: '127.0.0.1', port, user: 'root' });
      try {
        return (await conn.query(text, values))[0] as T;
      } finally {
        await conn.end();
      }
    },
  };
}

/** A primary and a replica replicating everything from it by GTID; small buffer pools unless told. */
export async function startReplication(opts: { bufferPoolMb?: number } = {}): Promise<Replication> {
  const bufferPoolMb = opts.bufferPoolMb ?? 32;
  const dir = await mkdtemp(join(tmpdir(), 'fibrotrack-replication-'));
  const procs: ChildProcess[] = [];
  // This process ending without stop() (a crash, the test runner's timeout) takes the servers and their files along.
  const abandon = () => {
    for (const p of procs) if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  };
  const onSignal = (signal: NodeJS.Signals) => {
    abandon();
    process.kill(process.pid, signal);
  };
  process.once('exit', abandon);
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const stop = async () => {
    process.off('exit', abandon);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await Promise.all(
      procs.map(
        (p) =>
          new Promise<void>((resolve) => {
            if (p.exitCode !== null || p.signalCode !== null) return resolve();
            const kill = setTimeout(() => p.kill('SIGKILL'), 15_000);
            p.once('exit', () => {
              clearTimeout(kill);
              resolve();
            });
            p.kill('SIGTERM');
          }),
      ),
    );
    await rm(dir, { recursive: true, force: true });
  };
  try {
    // Side by side (each install takes seconds); both settle before a failure cleans up.
    const started = await Promise.allSettled([
      startServer(dir, 'primary', 1, procs, bufferPoolMb),
      startServer(dir, 'replica', 2, procs, bufferPoolMb),
    ]);
    const failed = started.find((s) => s.status === 'rejected');
    if (failed) throw failed.reason;
    const [primary, replica] = started.map((s) => (s as PromiseFulfilledResult<MariadbServer>).value);
    // Both start from the same installed state; the replica takes everything the primary logs from now on.
    await replica.sql('SET GLOBAL gtid_slave_pos = ?', [(await primary.sql<{ pos: string }[]>('SELECT @@gtid_binlog_pos AS pos'))[0].pos]);
    await replica.sql(
      `CHANGE MASTER TO MASTER_HOST='127.0.0.1', MASTER_PORT=${primary.port}, MASTER_USER='root', MASTER_PASSWORD='', MASTER_USE_GTID=slave_pos`,
    );
    await replica.sql('START SLAVE');
    await replica.sql('SET GLOBAL read_only = 1');
    // Made on the primary, so the replica has it by replication.
    await primary.sql(`CREATE USER 'reader'@'%'`);
    await primary.sql(`GRANT SELECT ON *.* TO 'reader'@'%'`);
    return { primary, replica, replicaReaderUrl: `mysql://reader@127.0.0.1:${replica.port}`, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
