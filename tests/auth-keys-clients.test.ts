// Signing keys persist in MySQL across restarts and rotate (old key published until retired); clients and
// users registered from the command line and the admin API; client secrets and passwords stored hashed.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';
import mysql from 'mysql2/promise';
import request from 'supertest';
import { buildApp, type BuiltApp } from '../server/src/app.js';
import { loadConfig } from '../server/src/config.js';
import {
  authorize,
  authorizationCodeToken,
  createResource,
  decodeJwt,
  exchangeCode,
  introspect,
  tokenRequest,
} from './support/smart-tokens.js';
import { runCliCaptured, type CliResult } from './support/cli-run.js';
import type { TestServer } from './support/test-server.js';

const ROOT = process.env.TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306';
const suffix = randomBytes(4).toString('hex');
const database = `fibrotrack_test_${suffix}`;
const env = {
  DATABASE_URL: `${ROOT}/${database}`,
  BASE_URL: 'http://localhost:8080',
  AUTH_MODE: 'smart',
  REDIS_PREFIX: `fibrotrack_test_${suffix}:`,
  ADMIN_TOKEN: 'admin-secret-for-tests',
};
let inspector: mysql.Connection;
const running: BuiltApp[] = [];

/** A server on the same database each time: what a restart looks like. */
async function start(): Promise<TestServer> {
  const built = await buildApp(loadConfig(env));
  running.push(built);
  return {
    http: request(built.app),
    built,
    database,
    sql: async <T>(text: string, values: unknown[] = []) => (await inspector.query(text, values))[0] as T,
    close: async () => {
      running.splice(running.indexOf(built), 1);
      await built.close();
    },
  };
}

function cli(args: string[], extraEnv: Record<string, string> = {}): Promise<CliResult> {
  return runCliCaptured(args, { ...env, ...extraEnv });
}

const user = { username: 'dr.keys', password: 'rotate-me-please' };
const providerApp = { clientId: 'fibrotrack-provider-app', redirectUris: ['http://localhost:8080/app/index.html'] };
let practitioner: string;

before(async () => {
  const first = await start();
  inspector = await mysql.createConnection(env.DATABASE_URL);
  practitioner = await createResource(first, { resourceType: 'Practitioner', name: [{ family: 'Keys' }] });
  await first.close();
});

after(async () => {
  for (const b of running) await b.close();
  const redis = new (await import('ioredis')).Redis();
  const keys = await redis.keys(`${env.REDIS_PREFIX}*`);
  if (keys.length) await redis.del(...keys);
  await redis.quit();
  await inspector?.query(`DROP DATABASE \`${database}\``);
  await inspector?.end();
});

test('fibrotrack user add takes the password from the environment and stores only a scrypt hash', async () => {
  const missing = await cli([
    'user',
    'add',
    '--username',
    user.username,
    '--password-env',
    'NO_SUCH_VAR',
    '--fhir-user',
    `Practitioner/${practitioner}`,
  ]);
  assert.equal(missing.code, 2);
  assert.match(missing.err, /NO_SUCH_VAR/);
  const ok = await cli(
    ['user', 'add', '--username', user.username, '--password-env', 'DR_PASSWORD', '--fhir-user', `Practitioner/${practitioner}`],
    { DR_PASSWORD: user.password },
  );
  assert.equal(ok.code, 0, ok.err);
  const [row] = await inspector.query<mysql.RowDataPacket[]>('SELECT password_hash, fhir_user FROM auth_user WHERE username = ?', [
    user.username,
  ]);
  assert.match(row[0].password_hash, /^scrypt\$/);
  assert.ok(!row[0].password_hash.includes(user.password));
  assert.equal(row[0].fhir_user, `Practitioner/${practitioner}`);
  const dup = await cli(
    ['user', 'add', '--username', user.username, '--password-env', 'DR_PASSWORD', '--fhir-user', `Practitioner/${practitioner}`],
    { DR_PASSWORD: user.password },
  );
  assert.equal(dup.code, 2);
  assert.match(dup.err, /taken/);
});

test('fibrotrack client register: a confidential client authenticates with its secret (stored hashed), a wrong one is invalid_client', async () => {
  const res = await cli([
    'client',
    'register',
    '--name',
    'Confidential',
    '--auth',
    'client_secret_basic',
    '--redirect-uri',
    'http://localhost:8080/conf/cb',
    '--scope',
    'openid fhirUser user/*.rs',
  ]);
  assert.equal(res.code, 0, res.err);
  const client = JSON.parse(res.out);
  assert.equal(typeof client.clientSecret, 'string');
  const [row] = await inspector.query<mysql.RowDataPacket[]>('SELECT secret_hash, metadata FROM auth_client WHERE client_id = ?', [
    client.clientId,
  ]);
  assert.match(row[0].secret_hash, /^scrypt\$/);
  assert.ok(!row[0].metadata.includes(client.clientSecret) && !row[0].secret_hash.includes(client.clientSecret));
  const server = await start();
  const token = await authorizationCodeToken(server, { client, user, scope: 'openid fhirUser user/*.rs' });
  assert.deepEqual(token.scope.split(' ').sort(), ['fhirUser', 'openid', 'user/*.rs']);
  const r = await authorize(server, { client, user, scope: 'openid user/*.rs' });
  const wrong = await exchangeCode(server, { ...client, clientSecret: 'not-the-secret' }, r);
  assert.equal(wrong.status, 401);
  assert.equal(wrong.body.error, 'invalid_client');
  const none = await tokenRequest(
    server,
    { clientId: client.clientId },
    { grant_type: 'authorization_code', code: r.code, redirect_uri: 'http://localhost:8080/conf/cb', code_verifier: r.verifier },
  );
  assert.equal(none.status, 401);
  await server.close();
});

test('fibrotrack client register refuses bad registrations and lists and removes clients', async () => {
  const bad = await cli(['client', 'register', '--scope', 'openid', '--redirect-uri', 'not a url']);
  assert.equal(bad.code, 2);
  assert.match(bad.err, /absolute http\(s\) URL/);
  const badScope = await cli(['client', 'register', '--scope', 'patient/*.everything', '--redirect-uri', 'http://localhost/cb']);
  assert.equal(badScope.code, 2);
  assert.match(badScope.err, /not a SMART scope/);
  const backendNoKeys = await cli(['client', 'register', '--backend', '--scope', 'system/*.rs']);
  assert.equal(backendNoKeys.code, 2);
  assert.match(backendNoKeys.err, /jwks/);
  const made = await cli(['client', 'register', '--id', 'to-remove', '--scope', 'openid', '--redirect-uri', 'http://localhost/cb']);
  assert.equal(made.code, 0, made.err);
  assert.match((await cli(['client', 'list'])).out, /"clientId":"to-remove"/);
  assert.equal((await cli(['client', 'remove', 'to-remove'])).code, 0);
  assert.equal((await cli(['client', 'remove', 'to-remove'])).code, 1);
  assert.doesNotMatch((await cli(['client', 'list'])).out, /to-remove/);
});

test('signing keys survive a restart; a rotated key signs after restart while the old one stays published until retired', async () => {
  const a = await start();
  const kidA = (await a.http.get('/auth/jwks')).body.keys.map((k: { kid: string }) => k.kid);
  const oldToken = await authorizationCodeToken(a, { client: providerApp, user, scope: 'openid fhirUser' });
  await a.close();
  const b = await start();
  assert.deepEqual(
    (await b.http.get('/auth/jwks')).body.keys.map((k: { kid: string }) => k.kid),
    kidA,
    'same keys after a restart',
  );
  assert.equal(await b.built.auth!.reloadKeys(), false, 'an unchanged key set is not reloaded');
  await b.close();

  const rotated = await cli(['keys', 'rotate']);
  assert.equal(rotated.code, 0, rotated.err);
  const newKid = rotated.out.trim();
  const c = await start();
  const kids = (await c.http.get('/auth/jwks')).body.keys.map((k: { kid: string }) => k.kid);
  assert.deepEqual(kids, [newKid, ...kidA]);
  const token = await authorizationCodeToken(c, { client: providerApp, user, scope: 'openid fhirUser' });
  assert.equal(decodeJwt(token.id_token!).header.kid, newKid);
  assert.ok(kids.includes(decodeJwt(oldToken.id_token!).header.kid), 'an id_token signed before the rotation still verifies');
  await c.close();

  assert.equal((await cli(['keys', 'retire', newKid])).code, 1, 'the current key cannot be retired');
  assert.equal((await cli(['keys', 'retire', kidA[0]])).code, 0);
  const d = await start();
  assert.deepEqual(
    (await d.http.get('/auth/jwks')).body.keys.map((k: { kid: string }) => k.kid),
    [newKid],
  );
  assert.match((await cli(['keys', 'list'])).out, new RegExp(`${kidA[0]}\\tsig\\tretired`));
  await d.close();
});

test('a running node takes up a key rotated or retired elsewhere without a restart; sessions and tokens survive', async () => {
  const s = await start();
  const auth = s.built.auth!;
  const before = await authorize(s, { client: providerApp, user, scope: 'openid fhirUser user/*.rs' });
  const first = (await exchangeCode(s, providerApp, before)).body;
  const oldKid = decodeJwt(first.id_token).header.kid as string;

  // Another node (here the CLI) rotates: this node's periodic check (reloadKeys) puts the new key to use.
  const rotated = await cli(['keys', 'rotate']);
  const newKid = rotated.out.trim();
  assert.equal(await auth.reloadKeys(), true);
  assert.deepEqual((await s.http.get('/auth/jwks')).body.keys.map((k: { kid: string }) => k.kid).slice(0, 2), [newKid, oldKid]);
  assert.ok(await s.built.verifier!.verify(first.access_token), 'a token issued before the reload still works');
  assert.equal((await introspect(s, providerApp, first.access_token)).body.active, true);
  // The audit log listens on auth.provider (the first instance): events of the rebuilt one reach it.
  const granted: string[] = [];
  auth.provider.on('grant.success', (ctx: { oidc?: { client?: { clientId?: string } } }) =>
    granted.push(String(ctx.oidc?.client?.clientId)),
  );
  // The browser's sign-in session goes on (no login step: a wrong password would stop the flow).
  const again = await authorize(s, {
    client: providerApp,
    user: { ...user, password: 'not-asked-for' },
    scope: 'openid fhirUser user/*.rs',
    agent: before.agent,
  });
  assert.ok(again.code, JSON.stringify(again.stoppedAt?.status));
  const second = (await exchangeCode(s, providerApp, again)).body;
  assert.equal(decodeJwt(second.id_token).header.kid, newKid, 'the new key signs');
  assert.deepEqual(granted, [providerApp.clientId]);

  // Retiring elsewhere drops the key from this node's JWKS at the next check.
  assert.equal((await cli(['keys', 'retire', oldKid])).code, 0);
  assert.equal(await auth.reloadKeys(), true);
  assert.ok(!(await s.http.get('/auth/jwks')).body.keys.some((k: { kid: string }) => k.kid === oldKid), 'retired key gone');

  // The admin API changes keys on this node at once.
  const viaApi = await s.http.post('/auth/admin/keys/rotate').set('Authorization', `Bearer ${env.ADMIN_TOKEN}`);
  assert.equal(viaApi.status, 201);
  assert.equal((await s.http.get('/auth/jwks')).body.keys[0].kid, viaApi.body.kid);
  assert.equal(await auth.reloadKeys(), false, 'already in use');
  const retired = await s.http.post(`/auth/admin/keys/${newKid}/retire`).set('Authorization', `Bearer ${env.ADMIN_TOKEN}`);
  assert.equal(retired.status, 204);
  assert.deepEqual(
    (await s.http.get('/auth/jwks')).body.keys.map((k: { kid: string }) => k.kid),
    [viaApi.body.kid],
  );
  await s.close();
});

test('our SMART app is seeded at every start and follows BASE_URL', async () => {
  const moved = await buildApp(loadConfig({ ...env, BASE_URL: 'https://fhir.example.org' }));
  try {
    const [rows] = await inspector.query<mysql.RowDataPacket[]>(
      "SELECT metadata, launch_url FROM auth_client WHERE client_id = 'fibrotrack-provider-app'",
    );
    assert.equal(rows.length, 1);
    assert.deepEqual(JSON.parse(rows[0].metadata).redirect_uris, ['https://fhir.example.org/app/index.html']);
    assert.equal(rows[0].launch_url, 'https://fhir.example.org/app/launch.html');
  } finally {
    await moved.close();
  }
  const back = await start();
  const [rows] = await inspector.query<mysql.RowDataPacket[]>(
    "SELECT metadata FROM auth_client WHERE client_id = 'fibrotrack-provider-app'",
  );
  assert.deepEqual(JSON.parse(rows[0].metadata).redirect_uris, ['http://localhost:8080/app/index.html']);
  await back.close();
});

test('the admin API needs ADMIN_TOKEN and registers, lists and removes clients and rotates keys', async () => {
  const s = await start();
  assert.equal((await s.http.get('/auth/admin/clients')).status, 401);
  assert.equal((await s.http.get('/auth/admin/clients').set('Authorization', 'Bearer wrong')).status, 401);
  const auth = { Authorization: `Bearer ${env.ADMIN_TOKEN}` };
  const created = await s.http
    .post('/auth/admin/clients')
    .set(auth)
    .send({ clientId: 'admin-made', auth: 'none', scope: 'openid launch', redirectUris: ['http://localhost:8080/x/cb'] });
  assert.equal(created.status, 201, created.text);
  assert.equal(created.body.clientId, 'admin-made');
  const dup = await s.http
    .post('/auth/admin/clients')
    .set(auth)
    .send({ clientId: 'admin-made', auth: 'none', scope: 'openid', redirectUris: ['http://localhost:8080/x/cb'] });
  assert.equal(dup.status, 409);
  const bad = await s.http.post('/auth/admin/clients').set(auth).send({ auth: 'magic', scope: 'openid' });
  assert.equal(bad.status, 400);
  assert.equal(bad.body.error, 'invalid_client_metadata');
  assert.match(bad.body.error_description, /auth 'magic'/);
  const malformed = await s.http.post('/auth/admin/clients').set(auth).set('Content-Type', 'application/json').send('{not json');
  assert.equal(malformed.status, 400);
  assert.ok((await s.http.get('/auth/admin/clients').set(auth)).body.some((c: { clientId: string }) => c.clientId === 'admin-made'));
  assert.ok((await s.built.auth!.clients.allowedOrigins()).has('http://localhost:8080'));
  assert.equal((await s.http.delete('/auth/admin/clients/admin-made').set(auth)).status, 204);
  assert.equal((await s.http.get('/auth/admin/clients/admin-made').set(auth)).status, 404);
  const rotate = await s.http.post('/auth/admin/keys/rotate').set(auth);
  assert.equal(rotate.status, 201);
  assert.ok(
    (await s.http.get('/auth/admin/keys').set(auth)).body.some(
      (k: { kid: string; status: string }) => k.kid === rotate.body.kid && k.status === 'current',
    ),
  );
  await s.close();
  const off = await buildApp(loadConfig({ ...env, ADMIN_TOKEN: '' }));
  try {
    assert.equal((await request(off.app).get('/auth/admin/clients').set(auth)).status, 403);
  } finally {
    await off.close();
  }
});
