// Usernames have one form (trimmed, Unicode NFKC, lowercase) for sign-in, the lockout and the user table, so
// another spelling of a locked name ("rt.victim  ", "RT.VICTIM", full-width letters) gets no fresh guesses and
// the table compares bytes, not MariaDB's PAD SPACE. Issue 15, item 3.
// https://www.unicode.org/reports/tr15/
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';
import mysql from 'mysql2/promise';
import request from 'supertest';
import type { RegisteredClient } from '../server/src/auth/client-store.js';
import { hashSecret } from '../server/src/auth/password.js';
import { buildApp } from '../server/src/app.js';
import { runCli } from '../server/src/cli/run-cli.js';
import { loadConfig } from '../server/src/config.js';
import { openPool } from '../server/src/store/mysql/connect.js';
import { migrate } from '../server/src/store/mysql/migrate.js';
import { addUser, authorize, createResource, registerClient } from './support/smart-tokens.js';
import { startTestServer, type TestServer } from './support/test-server.js';

const ROOT = process.env.TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306';
let server: TestServer;
let app: RegisteredClient;
let practitioner: string;
const scope = 'openid fhirUser user/*.rs';

before(async () => {
  server = await startTestServer({ AUTH_MODE: 'smart' });
  practitioner = await createResource(server, { resourceType: 'Practitioner', name: [{ family: 'Victim' }] });
  app = await registerClient(server, { scope: 'openid fhirUser user/*.rs' });
});

after(async () => {
  await server?.close();
});

const signIn = (username: string, password: string) => authorize(server, { client: app, user: { username, password }, scope });

test('the name as typed is normalized for the lookup: spaces around it, capitals and full-width letters sign in', async () => {
  const password = 'norm-password-1';
  await addUser(server, { username: 'dr.norm', password, fhirUser: `Practitioner/${practitioner}` });
  for (const typed of ['dr.norm', 'dr.norm  ', '  dr.norm', 'DR.Norm', '\uFF44\uFF52.\uFF4E\uFF4F\uFF52\uFF4D', 'dr.norm\u3000']) {
    const r = await signIn(typed, password);
    assert.ok(r.code, `${JSON.stringify(typed)}: ${r.stoppedAt?.status}`);
  }
});

test('after 10 failures lock rt.victim, no other spelling of the name gets a guess, the right password included', async () => {
  const victim = { username: 'rt.victim', password: 'the-right-password' };
  await addUser(server, { ...victim, fhirUser: `Practitioner/${practitioner}` });
  // The failures come in under different spellings: they all count against the same name.
  const spellings = ['rt.victim', 'rt.victim  ', 'RT.VICTIM', ' rt.victim', '\uFF52\uFF54.victim'];
  for (let i = 0; i < 10; i++) {
    const r = await signIn(spellings[i % spellings.length], `guess-${i}`);
    assert.equal(r.stoppedAt?.status, 401, `guess ${i}`);
  }
  for (const typed of [...spellings, 'rt.victim\t', 'Rt.Victim   ']) {
    const r = await signIn(typed, victim.password);
    assert.equal(r.code, undefined, JSON.stringify(typed));
    assert.equal(r.stoppedAt?.status, 429, JSON.stringify(typed));
    assert.match(r.stoppedAt.text, /Too many failed sign-ins/);
  }
});

test('a username that changes under normalization is refused at creation, naming its normal form', async () => {
  const cases: [string, RegExp][] = [
    ['Dr.Upper', /'dr\.upper'/],
    ['dr.space ', /'dr\.space'/],
    [' dr.lead', /'dr\.lead'/],
    ['\uFF44\uFF52.wide', /'dr\.wide'/],
  ];
  for (const [username, normal] of cases) {
    await assert.rejects(
      addUser(server, { username, password: 'long-enough-pw', fhirUser: `Practitioner/${practitioner}` }),
      (err: Error) => {
        assert.match(err.message, /normalized/);
        assert.match(err.message, normal);
        return true;
      },
    );
  }
  // The command line says the same and exits 2.
  const errors: string[] = [];
  const original = console.error;
  console.error = (...a: unknown[]) => void errors.push(a.join(' '));
  try {
    const code = await runCli(
      ['user', 'add', '--username', 'Dr.Cli', '--password-env', 'PW', '--fhir-user', `Practitioner/${practitioner}`],
      {
        DATABASE_URL: `${ROOT}/${server.database}`,
        AUTH_MODE: 'smart',
        PW: 'long-enough-pw',
      },
    );
    assert.equal(code, 2);
  } finally {
    console.error = original;
  }
  assert.match(errors.join('\n'), /'dr\.cli'/);
  const rows = await server.sql<mysql.RowDataPacket[]>(
    "SELECT username FROM auth_user WHERE LOWER(username) IN ('dr.upper', 'dr.space', 'dr.lead', 'dr.cli')",
  );
  assert.deepEqual(rows, []);
});

test('the user table compares bytes: a stored name is not found under trailing spaces', async () => {
  const rows = await server.sql<mysql.RowDataPacket[]>("SELECT username FROM auth_user WHERE username = 'rt.victim  '");
  assert.deepEqual(rows, []);
});

test('existing users keep signing in after the upgrade: their names become lowercase (unless two differ only in case)', async () => {
  const suffix = randomBytes(4).toString('hex');
  const database = `fibrotrack_test_${suffix}`;
  const url = `${ROOT}/${database}`;
  const pool = await openPool(url, 2);
  try {
    // The schema before migration 21, with users the old rule allowed (capitals).
    await migrate(pool, 20);
    const hash = await hashSecret('legacy-password');
    for (const [id, username] of [
      ['a1', 'Dr.Legacy'],
      ['a2', 'Twin'],
      ['a3', 'twin'],
    ]) {
      await pool.query('INSERT INTO auth_user (account_id, username, password_hash, fhir_user, created_at) VALUES (?, ?, ?, ?, NOW(3))', [
        id,
        username,
        hash,
        'Practitioner/legacy',
      ]);
    }
  } finally {
    await pool.end();
  }
  const built = await buildApp(
    loadConfig({ DATABASE_URL: url, BASE_URL: 'http://localhost:8080', AUTH_MODE: 'smart', REDIS_PREFIX: `fibrotrack_test_${suffix}:` }),
  );
  const inspector = await mysql.createConnection(url);
  try {
    const upgraded: TestServer = {
      http: request(built.app),
      built,
      database,
      sql: () => Promise.resolve([] as never),
      close: () => Promise.resolve(),
    };
    const legacyApp = await registerClient(upgraded, { scope: 'openid fhirUser user/*.rs' });
    const [rows] = await inspector.query<mysql.RowDataPacket[]>('SELECT account_id, username FROM auth_user ORDER BY account_id');
    assert.deepEqual(
      rows.map((r) => [r.account_id, r.username]),
      [
        ['a1', 'dr.legacy'],
        ['a2', 'Twin'],
        ['a3', 'twin'],
      ],
    );
    for (const typed of ['Dr.Legacy', 'dr.legacy', 'DR.LEGACY ']) {
      const r = await authorize(upgraded, { client: legacyApp, user: { username: typed, password: 'legacy-password' }, scope });
      assert.ok(r.code, `${typed}: ${r.stoppedAt?.status}`);
    }
  } finally {
    const keys = await built.redis!.keys(`fibrotrack_test_${suffix}:*`);
    if (keys.length) await built.redis!.del(...keys);
    await built.close();
    await inspector.query(`DROP DATABASE \`${database}\``);
    await inspector.end();
  }
});
