// The fibrotrack command: migrate, load and serve (with cluster workers) as separate processes.
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, test } from 'node:test';
import { randomBytes } from 'node:crypto';
import mysql from 'mysql2/promise';
import { synthealikeBundle } from './support/synthea-like.js';

const run = promisify(execFile);
const BIN = join(import.meta.dirname, '..', 'bin', 'fibrotrack.js');
const ROOT = process.env.TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306';
const database = `fibrotrack_test_${randomBytes(4).toString('hex')}`;
// AUTH_MODE=open: these commands are checked without tokens (the default, smart, needs them).
const env = { ...process.env, DATABASE_URL: `${ROOT}/${database}`, AUTH_MODE: 'open' };

after(async () => {
  const conn = await mysql.createConnection(ROOT);
  await conn.query(`DROP DATABASE IF EXISTS \`${database}\``);
  await conn.end();
});

test('migrate creates the database and is idempotent', async () => {
  const first = await run(process.execPath, [BIN, 'migrate'], { env });
  assert.match(first.stdout, /Applied 001-resources\.sql/);
  const second = await run(process.execPath, [BIN, 'migrate'], { env });
  assert.match(second.stdout, /up to date/);
});

test('load posts bundle files and reports each; unknown commands exit 2', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'fibrotrack-load-'));
  writeFileSync(join(dir, 'a.json'), JSON.stringify(synthealikeBundle(1, 2).bundle));
  writeFileSync(join(dir, 'b.json'), JSON.stringify({ resourceType: 'Patient', gender: 'female' }));
  const res = await run(process.execPath, [BIN, 'load', dir], { env });
  assert.match(res.stdout, /a\.json: 200/);
  assert.match(res.stdout, /b\.json: 201/);
  await assert.rejects(run(process.execPath, [BIN, 'frobnicate'], { env }), (err: { code: number }) => err.code === 2);
});

test('serve with two workers answers on one port and stops on SIGTERM', async () => {
  const port = 20000 + Math.floor(Math.random() * 20000);
  const child = spawn(process.execPath, [BIN, 'serve'], { env: { ...env, PORT: String(port), WORKERS: '2' }, stdio: 'ignore' });
  try {
    let status = 0;
    for (let i = 0; i < 120 && status !== 200; i++) {
      await new Promise((r) => setTimeout(r, 250));
      status = await fetch(`http://127.0.0.1:${port}/fhir/metadata`).then(
        (r) => r.status,
        () => 0,
      );
    }
    assert.equal(status, 200);
    const created = await fetch(`http://127.0.0.1:${port}/fhir/Patient`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/fhir+json' },
      body: JSON.stringify({ resourceType: 'Patient' }),
    });
    assert.equal(created.status, 201);
    // The production server answers what node refuses before express (here a 70 KB URL) with an OperationOutcome.
    const longUrl = await fetch(`http://127.0.0.1:${port}/fhir/Patient?name=${'a'.repeat(70_000)}`);
    assert.equal(longUrl.status, 414);
    assert.equal((await longUrl.json()).resourceType, 'OperationOutcome');
  } finally {
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  }
});
