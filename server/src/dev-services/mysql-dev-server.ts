// The private development database: a MariaDB (or MySQL) server started from the installed programs, with its data
// in <DEV_SERVICES_DIR>/mysql/data (initialised once, kept across restarts), listening on 127.0.0.1:<port> only.
// Root has no password: it is reachable from this machine alone and holds development data.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import mysql from 'mysql2/promise';
import type { MysqlBinaries } from './binaries.js';
import { startChildService, type ChildService } from './child-service.js';

/** A first start initialises the data folder, then InnoDB recovers or creates its files: generous on a busy machine. */
const START_TIMEOUT_MS = 120_000;
/** Longest unix socket path most systems accept (sun_path is 104 or 108 bytes). */
const MAX_SOCKET_PATH = 100;

export interface StartedMysql {
  service: ChildService;
  /** e.g. "MariaDB 10.11.19". */
  version: string;
  /** True when this start created the data folder. */
  initialised: boolean;
}

export async function startDevMysql(bins: MysqlBinaries, dir: string, port: number): Promise<StartedMysql> {
  const dataDir = join(dir, 'data');
  mkdirSync(dir, { recursive: true });
  const version = serverVersion(bins.server);
  const mariadb = version.startsWith('MariaDB');
  const asRoot = process.getuid?.() === 0;
  const initialised = !existsSync(join(dataDir, 'mysql'));
  if (initialised) initialise(bins, dataDir, mariadb, asRoot, join(dir, 'install.log'));
  let socket = join(dir, 'mysqld.sock');
  if (socket.length > MAX_SOCKET_PATH) socket = join(tmpdir(), `fibrotrack-mysqld-${port}.sock`);
  const args = [
    '--no-defaults',
    `--datadir=${dataDir}`,
    `--port=${port}`,
    '--bind-address=127.0.0.1',
    `--socket=${socket}`,
    `--pid-file=${join(dir, 'mysqld.pid')}`,
    `--log-error=${join(dir, 'error.log')}`,
    ...(asRoot ? ['--user=root'] : []),
    // MySQL 8 also listens for its X protocol on 33060: a second private server, or a system one, would clash.
    ...(mariadb ? [] : ['--mysqlx=OFF']),
  ];
  const service = await startChildService({
    name: version,
    command: bins.server,
    args,
    logFile: join(dir, 'server.log'),
    ready: () => answersQueries(port),
    timeoutMs: START_TIMEOUT_MS,
  });
  return { service, version, initialised };
}

/** Whether the database on 127.0.0.1:port accepts root and answers a query. */
export async function answersQueries(port: number): Promise<boolean> {
  const conn = await mysql.createConnection({ host: '127.0.0.1', port, user: 'root', connectTimeout: 1000 });
  try {
    await conn.query('SELECT 1');
    return true;
  } finally {
    await conn.end().catch(() => undefined);
  }
}

/** "MariaDB 10.11.19" or "MySQL 8.4.3", from `--version`. */
function serverVersion(server: string): string {
  const text = execFileSync(server, ['--version'], { encoding: 'utf8' });
  const number = /Ver\s+(\d+\.\d+\.\d+)/.exec(text)?.[1] ?? '';
  const product = /mariadb/i.test(text) || basename(server) === 'mariadbd' ? 'MariaDB' : 'MySQL';
  return `${product} ${number}`.trim();
}

/** Creates the system tables in a fresh folder, then moves it in place: an interrupted first start leaves nothing half-made. */
function initialise(bins: MysqlBinaries, dataDir: string, mariadb: boolean, asRoot: boolean, logFile: string): void {
  const fresh = `${dataDir}.initialising`;
  rmSync(fresh, { recursive: true, force: true });
  const user = asRoot ? ['--user=root'] : [];
  const [command, args] = mariadb
    ? [bins.installDb, ['--no-defaults', `--datadir=${fresh}`, '--auth-root-authentication-method=normal', '--skip-test-db', ...user]]
    : [bins.server, ['--no-defaults', '--initialize-insecure', `--datadir=${fresh}`, ...user]];
  if (!command)
    throw new Error(
      `${bins.server} is MariaDB but mariadb-install-db is not installed next to it; install the whole server package (Debian/Ubuntu: sudo apt-get install mariadb-server; macOS: brew install mariadb)`,
    );
  try {
    writeFileSync(logFile, execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }));
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    throw new Error(
      `initialising the private database folder ${dataDir} with ${command} failed: ${e.message}\n${e.stdout ?? ''}${e.stderr ?? ''}`.trim(),
      { cause: err },
    );
  }
  renameSync(fresh, dataDir);
}
