// "Starts anywhere" (docs/operations.md): with DATABASE_URL and REDIS_URL unset, `fibrotrack serve` starts a private
// MariaDB and Redis from the installed programs, keeps the database's files across restarts, reuses a private
// database another command already started, and stops what it started when it stops; missing programs and
// production give one clear paragraph. Real child processes on unused ports and a temporary folder
// (DEV_SERVICES=private, DEV_SERVICES_DIR, DEV_MYSQL_PORT, DEV_REDIS_PORT): the machine's own MariaDB and Redis are
// never touched.
import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, test } from 'node:test';
import mysql from 'mysql2/promise';
import { answersOn } from '../server/src/dev-services/child-service.js';
import { freePort } from './support/free-port.js';

const run = promisify(execFile);
const BIN = join(import.meta.dirname, '..', 'bin', 'fibrotrack.js');
const dir = mkdtempSync(join(tmpdir(), 'fibrotrack-dev-services-'));
let env: Record<string, string | undefined>;
let mysqlPort = 0;
let redisPort = 0;

before(async () => {
  mysqlPort = await freePort();
  redisPort = await freePort();
  const { DATABASE_URL: _db, REDIS_URL: _redis, NODE_ENV: _node, ...rest } = process.env;
  env = { ...rest, DEV_SERVICES: 'private', DEV_SERVICES_DIR: dir, DEV_MYSQL_PORT: String(mysqlPort), DEV_REDIS_PORT: String(redisPort) };
});

after(() => rmSync(dir, { recursive: true, force: true }));

interface Served {
  child: ChildProcess;
  port: number;
  output: () => string;
  /** SIGTERM, then the exit code. */
  stop(): Promise<number | null>;
}

async function serve(extra: Record<string, string>): Promise<Served> {
  const port = await freePort();
  const child = spawn(process.execPath, [BIN, 'serve'], {
    env: { ...env, PORT: String(port), ...extra },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  // A first start initialises the database's files: up to a couple of minutes on a busy machine.
  for (let i = 0; i < 1200 && !/listening on/.test(output); i++) {
    if (child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  assert.match(output, /listening on/, output);
  return {
    child,
    port,
    output: () => output,
    async stop() {
      child.kill('SIGTERM');
      return exited;
    },
  };
}

test('serve starts a private MariaDB, keeps its data across restarts and stops it on SIGTERM', async () => {
  const first = await serve({ AUTH_MODE: 'open' });
  let patientId: string;
  try {
    assert.match(
      first.output(),
      new RegExp(
        `started a private MariaDB [\\d.]+ for development on 127\\.0\\.0\\.1:${mysqlPort}, files in ${dir}/mysql \\(created now\\)`,
      ),
    );
    assert.doesNotMatch(first.output(), /Redis/, 'AUTH_MODE=open needs no Redis');
    const metadata = await fetch(`http://127.0.0.1:${first.port}/fhir/metadata`);
    assert.equal(metadata.status, 200);
    const created = await fetch(`http://127.0.0.1:${first.port}/fhir/Patient`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/fhir+json' },
      body: JSON.stringify({ resourceType: 'Patient', name: [{ family: 'Kept' }] }),
    });
    assert.equal(created.status, 201);
    patientId = ((await created.json()) as { id: string }).id;
  } finally {
    assert.equal(await first.stop(), 0, first.output());
  }
  assert.equal(await answersOn('127.0.0.1', mysqlPort), false, 'the private MariaDB stopped with the server');

  // Again, with AUTH_MODE=smart: the same files, and a private Redis too.
  const second = await serve({ AUTH_MODE: 'smart' });
  try {
    assert.match(second.output(), /started a private MariaDB [\d.]+ for development .*\(kept from before\)/);
    assert.match(second.output(), new RegExp(`started a private Redis for development on 127\\.0\\.0\\.1:${redisPort}`));
    const ready = await fetch(`http://127.0.0.1:${second.port}/readyz`);
    assert.deepEqual(((await ready.json()) as { checks: unknown }).checks, {
      database: { status: 'pass' },
      migrations: { status: 'pass' },
      Redis: { status: 'pass' },
    });
    const conn = await mysql.createConnection(`mysql://root@127.0.0.1:${mysqlPort}/fibrotrack`);
    const [rows] = await conn.query<mysql.RowDataPacket[]>('SELECT COUNT(*) AS n FROM resource WHERE res_type = ? AND res_id = ?', [
      'Patient',
      patientId,
    ]);
    await conn.end();
    assert.equal(Number(rows[0].n), 1, 'the Patient stored before the restart is still there');
    // Another command reuses the running private database and leaves it running.
    const migrate = await run(process.execPath, [BIN, 'migrate'], { env });
    assert.match(migrate.stdout, new RegExp(`using the private development database already running on 127\\.0\\.0\\.1:${mysqlPort}`));
    assert.equal(await answersOn('127.0.0.1', mysqlPort), true);
  } finally {
    assert.equal(await second.stop(), 0, second.output());
  }
  assert.equal(await answersOn('127.0.0.1', mysqlPort), false, 'MariaDB stopped');
  assert.equal(await answersOn('127.0.0.1', redisPort), false, 'Redis stopped');
});

test('missing server programs: one paragraph naming what to install and which variable to set, exit 1', async () => {
  const empty = mkdtempSync(join(tmpdir(), 'fibrotrack-no-programs-'));
  const failed = await run(process.execPath, [BIN, 'migrate'], { env: { ...env, DEV_SERVICES_PATH: empty } }).then(
    () => assert.fail('migrate succeeded without a database'),
    (err: { code: number; stderr: string }) => err,
  );
  rmSync(empty, { recursive: true });
  assert.equal(failed.code, 1);
  const lines = failed.stderr.trim().split('\n');
  assert.equal(lines.length, 1, failed.stderr);
  assert.match(lines[0], /DATABASE_URL is not set/);
  assert.match(lines[0], /mariadbd or mysqld is not installed/);
  assert.match(lines[0], /Debian\/Ubuntu: sudo apt-get install mariadb-server; macOS: brew install mariadb/);
  assert.match(lines[0], /DATABASE_URL=mysql:\/\//);
});

test('NODE_ENV=production never starts private services', async () => {
  const failed = await run(process.execPath, [BIN, 'migrate'], { env: { ...env, NODE_ENV: 'production' } }).then(
    () => assert.fail('migrate accepted DEV_SERVICES=private in production'),
    (err: { code: number; stderr: string }) => err,
  );
  assert.equal(failed.code, 1);
  assert.match(failed.stderr, /DEV_SERVICES=private refused with NODE_ENV=production/);
  assert.equal(await answersOn('127.0.0.1', mysqlPort), false);
});

test('Redis not answering: one clear message naming REDIS_URL, no unhandled error events', async () => {
  const unused = await freePort();
  const root = process.env.TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306';
  const failed = await run(process.execPath, [BIN, 'serve'], {
    env: {
      ...env,
      AUTH_MODE: 'smart',
      DEV_SERVICES: 'off',
      DATABASE_URL: `${root}/fibrotrack_dev_services_unused`,
      REDIS_URL: `redis://127.0.0.1:${unused}`,
      PORT: String(await freePort()),
    },
  }).then(
    () => assert.fail('serve started without Redis'),
    (err: { code: number; stderr: string }) => err,
  );
  const admin = await mysql.createConnection(root);
  await admin.query('DROP DATABASE IF EXISTS fibrotrack_dev_services_unused');
  await admin.end();
  assert.equal(failed.code, 1);
  assert.doesNotMatch(failed.stderr, /Unhandled error event/);
  assert.equal(failed.stderr.match(/ECONNREFUSED/g)?.length, 2, failed.stderr); // the first failure, then the reason for giving up
  assert.match(
    failed.stderr,
    new RegExp(
      `Redis at 127\\.0\\.0\\.1:${unused} did not answer within \\d+ ms \\(connect ECONNREFUSED[^)]*\\): start it or set REDIS_URL`,
    ),
  );
});
