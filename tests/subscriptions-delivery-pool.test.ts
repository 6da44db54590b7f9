// The delivery loop's own database pool (SUBSCRIPTION_DB_POOL_SIZE): with every connection of the HTTP requests'
// pool (DB_POOL_SIZE) taken, an event still reaches its rest-hook receiver, full resource included (the loop's
// leases and marks and its reads through the repository all use its pool); and shutdown closes that pool too,
// leaving no connection to the database. Through HTTP against MariaDB with a real local receiver.
// https://hl7.org/fhir/R4/subscription.html
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Bundle } from 'fhir/r4.js';
import type { PoolConnection } from 'mysql2/promise';
import { startReceiver, type HookReceiver } from './support/hook-receiver.js';
import { notifications, pain, RECEIVING, subscription, waitForStatus } from './support/subscriptions.js';
import { FHIR_JSON, startTestServer, type TestServer } from './support/test-server.js';

describe('the delivery loop has a database pool of its own', () => {
  let server: TestServer;
  let receiver: HookReceiver;
  before(async () => {
    server = await startTestServer({ ...RECEIVING, DB_POOL_SIZE: '2', SUBSCRIPTION_DB_POOL_SIZE: '2' });
    receiver = await startReceiver();
  });
  after(async () => {
    await receiver.close();
    await server.close();
  });

  const post = (path: string, body: unknown) =>
    server.http
      .post(`/fhir/${path}`)
      .set('Content-Type', FHIR_JSON)
      .send(body as object);

  it('delivers while every connection of the requests pool is taken', async () => {
    const created = await post('Subscription', subscription(receiver.url, 'full-resource'));
    assert.equal(created.status, 201, created.text);
    await waitForStatus(server, created.body.id, 'active');
    await server.built.deliveryLoop.stop();
    const obs = await post('Observation', pain('p1', 9));
    assert.equal(obs.status, 201, obs.text);

    const held: PoolConnection[] = [];
    try {
      for (let i = 0; i < 2; i++) held.push(await server.built.pool.getConnection());
      server.built.deliveryLoop.start();
      // Well within DB_POOL_ACQUIRE_TIMEOUT_MS (5 s): a loop on the requests' pool would still be waiting.
      const got = notifications(await receiver.until((rs) => notifications(rs).length === 1, 4_000));
      const focus = (got[0].json as Bundle).entry![1];
      assert.equal(focus.fullUrl, `http://localhost:8080/fhir/Observation/${obs.body.id}`);
      assert.equal(focus.resource?.resourceType, 'Observation');
    } finally {
      for (const conn of held) conn.release();
    }
    const [row] = await server.sql<{ n: number }[]>(
      'SELECT COUNT(*) AS n FROM subscription_event WHERE subscription_id = ? AND delivered_at IS NULL',
      [created.body.id],
    );
    assert.equal(Number(row.n), 0, 'the event is marked delivered');
  });

  it('shutdown closes the loop pool with the rest: no connection to the database is left', async () => {
    await server.built.close();
    const [row] = await server.sql<{ n: number }[]>(
      'SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE DB = ? AND ID <> CONNECTION_ID()',
      [server.database],
    );
    assert.equal(Number(row.n), 0);
  });
});
