// AUTH_MODE=open starts without Redis, as it did before the websocket channel: with REDIS_URL pointing at a closed
// port the server answers /metadata, and its websocket channel runs in this process alone (binding tokens kept in
// memory, notifications passed to this node's sockets). AUTH_MODE=smart still refuses to start without Redis.
// https://hl7.org/fhir/R4/subscription.html#2.46.7.2
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createServer, type AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { Bundle, CapabilityStatement, Observation, Parameters } from 'fhir/r4.js';
import mysql from 'mysql2/promise';
import { buildApp } from '../server/src/app.js';
import { loadConfig } from '../server/src/config.js';
import { listen, type Listening } from './support/listen.js';
import { pain, waitForStatus, websocketSubscription } from './support/subscriptions.js';
import { FHIR_JSON, startTestServer, type TestServer } from './support/test-server.js';
import { connect } from './support/ws-client.js';

const MYSQL = process.env.TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306';

/** A loopback port nothing listens on: bound, then closed. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

describe('AUTH_MODE=open without Redis', () => {
  let redisUrl: string;
  let server: TestServer;
  let node: Listening;
  before(async () => {
    redisUrl = `redis://127.0.0.1:${await closedPort()}`;
    server = await startTestServer({ REDIS_URL: redisUrl, REDIS_TIMEOUT_MS: '200', SUBSCRIPTION_POLL_MS: '50' });
    node = await listen(server.built.app, server.built.upgrade);
  });
  after(async () => {
    await node.close();
    await server.close();
  });

  it('starts and answers /metadata, with the websocket URL', async () => {
    const res = await server.http.get('/fhir/metadata');
    assert.equal(res.status, 200, res.text);
    const cap = res.body as CapabilityStatement;
    assert.equal(cap.rest![0].extension?.[0]?.valueUrl, 'ws://localhost:8080/fhir/ws');
  });

  it('a websocket Subscription still gets its notifications on this node', async () => {
    const created = await server.http.post('/fhir/Subscription').set('Content-Type', FHIR_JSON).send(websocketSubscription('id-only'));
    assert.equal(created.status, 201, created.text);
    const id = created.body.id as string;
    await waitForStatus(server, id, 'active');
    const tokenRes = await server.http.get(`/fhir/Subscription/${id}/$get-ws-binding-token`);
    assert.equal(tokenRes.status, 200, tokenRes.text);
    const token = (tokenRes.body as Parameters).parameter!.find((p) => p.name === 'token')!.valueString!;
    const socket = await connect(`${node.base.replace('http', 'ws')}/fhir/ws`);
    socket.ws.send(`bind-with-token ${token}`);
    assert.deepEqual(await socket.until(1), [`bound ${id}`]);
    const written = await server.http.post('/fhir/Observation').set('Content-Type', FHIR_JSON).send(pain('p1', 9));
    assert.equal(written.status, 201, written.text);
    const [, message] = await socket.until(2);
    const bundle = JSON.parse(message) as Bundle;
    assert.equal(bundle.entry![1].fullUrl, `http://localhost:8080/fhir/Observation/${(written.body as Observation).id}`);
    socket.ws.close();

    // The token was spent by its use, in memory as in Redis.
    const again = await connect(`${node.base.replace('http', 'ws')}/fhir/ws`);
    again.ws.send(`bind-with-token ${token}`);
    assert.equal((await again.closed).code, 1008);
  });

  it('AUTH_MODE=smart refuses to start without Redis', async () => {
    const database = `fibrotrack_test_noredis_${randomBytes(4).toString('hex')}`;
    const config = loadConfig({
      DATABASE_URL: `${MYSQL}/${database}`,
      BASE_URL: 'http://localhost:8080',
      AUTH_MODE: 'smart',
      REDIS_URL: redisUrl,
      REDIS_TIMEOUT_MS: '200',
    });
    try {
      await assert.rejects(buildApp(config), /Redis/);
    } finally {
      const admin = await mysql.createConnection(MYSQL);
      await admin.query(`DROP DATABASE IF EXISTS \`${database}\``);
      await admin.end();
    }
  });
});
