// The database or Redis down, hung or saturated: requests answer 503 with Retry-After and an OperationOutcome naming
// the dependency within 1 s, /metadata and /health keep answering, /health/ready says what is down, and service
// comes back by itself. The shared MariaDB and Redis are never touched: each sits behind a TCP proxy this test
// stops, freezes and restarts.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import mysql from 'mysql2/promise';
import request from 'supertest';
import { buildApp, type BuiltApp } from '../server/src/app.js';
import { loadConfig } from '../server/src/config.js';
import { patient } from './support/fixtures.js';
import { backendServicesToken, backendTokenRequest, clientAssertion, registerBackendClient } from './support/smart-tokens.js';
import { tcpProxy, type TcpProxy } from './support/tcp-proxy.js';
import { FHIR_JSON, startTestServer, type TestServer } from './support/test-server.js';

const OUTAGE_ANSWER_MS = 1000;

/** Sends `req` and answers its response with how long it took. */
async function timed(req: PromiseLike<request.Response>): Promise<{ res: request.Response; ms: number }> {
  const start = Date.now();
  const res = await req;
  return { res, ms: Date.now() - start };
}

function assertUnavailable(res: request.Response, ms: number, dependency: RegExp): void {
  assert.equal(res.status, 503, res.text);
  assert.ok(ms < OUTAGE_ANSWER_MS, `answered after ${ms} ms`);
  assert.match(res.headers['retry-after'] ?? '', /^\d+$/);
  assert.equal(res.body.resourceType, 'OperationOutcome');
  assert.equal(res.body.issue[0].code, 'transient');
  assert.match(res.body.issue[0].diagnostics, dependency);
}

/** Polls until `ok` holds (recovery is automatic but takes a reconnection); fails after `ms`. */
async function eventually(ok: () => Promise<boolean>, ms = 10_000): Promise<void> {
  const until = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > until) assert.fail(`not recovered within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('database outage', () => {
  const database = `fibrotrack_test_${randomBytes(4).toString('hex')}`;
  let proxy: TcpProxy;
  let built: BuiltApp;
  let http: ReturnType<typeof request>;
  before(async () => {
    proxy = await tcpProxy('127.0.0.1', 3306);
    built = await buildApp(
      loadConfig({
        DATABASE_URL: `mysql://root@127.0.0.1:${proxy.port}/${database}`,
        BASE_URL: 'http://localhost:8080',
        AUTH_MODE: 'open',
        DB_POOL_SIZE: '2',
        DB_POOL_ACQUIRE_TIMEOUT_MS: '300',
      }),
    );
    http = request(built.app);
  });
  after(async () => {
    await proxy.start();
    await built.close();
    const admin = await mysql.createConnection('mysql://root@127.0.0.1:3306');
    await admin.query(`DROP DATABASE IF EXISTS \`${database}\``);
    await admin.end();
    await proxy.close();
  });

  test('reads and writes answer 503 naming the database; /metadata and /health answer; it recovers by itself', async () => {
    const created = await http.post('/fhir/Patient').set('Content-Type', FHIR_JSON).send(JSON.stringify(patient()));
    assert.equal(created.status, 201);
    assert.equal((await http.get('/health/ready')).status, 200);

    await proxy.stop();
    const read = await timed(http.get(`/fhir/Patient/${created.body.id}`));
    assertUnavailable(read.res, read.ms, /database/);
    const search = await timed(http.get('/fhir/Patient?family=Doe'));
    assertUnavailable(search.res, search.ms, /database/);
    const write = await timed(http.post('/fhir/Patient').set('Content-Type', FHIR_JSON).send(JSON.stringify(patient())));
    assertUnavailable(write.res, write.ms, /database/);

    assert.equal((await http.get('/fhir/metadata')).status, 200);
    assert.equal((await http.get('/health')).status, 200);
    const ready = await timed(http.get('/health/ready'));
    assert.equal(ready.res.status, 503);
    assert.ok(ready.ms < OUTAGE_ANSWER_MS * 2, `readiness answered after ${ready.ms} ms`);
    assert.match(ready.res.headers['retry-after'] ?? '', /^\d+$/);
    assert.equal(ready.res.body.checks.database.status, 'fail');

    await proxy.start();
    await eventually(async () => (await http.get(`/fhir/Patient/${created.body.id}`)).status === 200);
    assert.equal((await http.get('/health/ready')).status, 200);
  });

  test('a hung database: a request waiting for a pooled connection gives up after DB_POOL_ACQUIRE_TIMEOUT_MS', async () => {
    assert.equal((await http.get('/fhir/Patient?family=Doe')).status, 200);
    proxy.freeze();
    // More requests than pool connections (2): those that got a connection hang with it; the rest wait for one.
    const pending = [1, 2, 3, 4].map(() => timed(http.get('/fhir/Patient?family=Doe')));
    const first = await Promise.race(pending);
    assertUnavailable(first.res, first.ms, /database.*DB_POOL_ACQUIRE_TIMEOUT/);
    // Cutting the frozen connections ends the hung requests too, as 503s.
    await proxy.stop();
    for (const { res } of await Promise.all(pending)) assert.equal(res.status, 503, res.text);
    await proxy.start();
    await eventually(async () => (await http.get('/fhir/Patient?family=Doe')).status === 200);
  });
});

describe('Redis outage (AUTH_MODE=smart)', () => {
  let proxy: TcpProxy;
  let s: TestServer;
  let token: string;
  let backend: Awaited<ReturnType<typeof registerBackendClient>>;
  before(async () => {
    proxy = await tcpProxy('127.0.0.1', 6379);
    // Every token check reaches Redis: with the token cache on (TOKEN_CACHE_MS), a token verified less than that
    // long ago is still taken during an outage (server/src/auth/token-cache.test.ts).
    s = await startTestServer({ AUTH_MODE: 'smart', REDIS_URL: `redis://127.0.0.1:${proxy.port}`, TOKEN_CACHE_MS: '0' });
    backend = await registerBackendClient(s, 'system/Patient.rs');
    token = (await backendServicesToken(s, { clientId: backend.client.clientId, key: backend.key, scope: 'system/Patient.rs' }))
      .access_token;
  });
  after(async () => {
    await proxy.start();
    await eventually(async () => (await s.http.get('/health/ready')).status === 200);
    await s.close();
    await proxy.close();
  });

  const search = () => s.http.get('/fhir/Patient').set('Authorization', `Bearer ${token}`);

  test('token-bearing requests answer 503 naming Redis within 1 s; /metadata and /health answer; it recovers', async () => {
    assert.equal((await search()).status, 200);
    await proxy.stop();
    const down = await timed(search());
    assertUnavailable(down.res, down.ms, /Redis/);
    assert.equal((await s.http.get('/fhir/metadata')).status, 200);
    assert.equal((await s.http.get('/health')).status, 200);
    const ready = await s.http.get('/health/ready');
    assert.equal(ready.status, 503);
    assert.equal(ready.body.checks.Redis.status, 'fail');
    assert.equal(ready.body.checks.database.status, 'pass');

    await proxy.start();
    await eventually(async () => (await search()).status === 200);
    assert.equal((await s.http.get('/health/ready')).status, 200);
  });

  test('the token endpoint answers 503 temporarily_unavailable naming Redis, then issues tokens again', async () => {
    const tokenRequest = () =>
      backendTokenRequest(s, {
        clientId: backend.client.clientId,
        assertion: clientAssertion(backend.client.clientId, backend.key),
        scope: 'system/Patient.rs',
      });
    await proxy.stop();
    const down = await timed(tokenRequest());
    assert.equal(down.res.status, 503, down.res.text);
    assert.ok(down.ms < OUTAGE_ANSWER_MS, `answered after ${down.ms} ms`);
    assert.match(down.res.headers['retry-after'] ?? '', /^\d+$/);
    assert.equal(down.res.body.error, 'temporarily_unavailable');
    assert.match(down.res.body.error_description, /Redis/);
    await proxy.start();
    await eventually(async () => (await tokenRequest()).status === 200);
  });

  test('a hung Redis answers 503 within 1 s too', async () => {
    assert.equal((await search()).status, 200);
    proxy.freeze();
    const hung = await timed(search());
    assertUnavailable(hung.res, hung.ms, /Redis/);
    // The frozen connection dropped bytes: cut it so that ioredis starts afresh.
    await proxy.stop();
    await proxy.start();
    await eventually(async () => (await search()).status === 200);
  });
});
