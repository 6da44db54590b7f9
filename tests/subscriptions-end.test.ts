// Subscription.end, "the time for the server to turn the subscription off", through HTTP against MariaDB with a
// real local receiver: a Subscription delivers until its end, then records nothing more (even before the delivery
// loop has switched it off) and goes `off` with its `error` saying why; one requested with an end already past is
// refused with a 400 OperationOutcome naming Subscription.end, and nothing is created.
// https://hl7.org/fhir/R4/subscription-definitions.html#Subscription.end
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { OperationOutcome, Subscription } from 'fhir/r4.js';
import type { HookReceiver } from './support/hook-receiver.js';
import { notifications, pain, RECEIVING, subscription, waitForStatus, withReceiver } from './support/subscriptions.js';
import { FHIR_JSON, startTestServer, type TestServer } from './support/test-server.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('Subscription.end', () => {
  let server: TestServer;
  let receiver: HookReceiver;
  const post = (path: string, body: unknown) =>
    server.http
      .post(`/fhir/${path}`)
      .set('Content-Type', FHIR_JSON)
      .send(body as object);
  const events = async (id: string) =>
    Number((await server.sql<{ n: number }[]>('SELECT COUNT(*) AS n FROM subscription_event WHERE subscription_id = ?', [id]))[0].n);
  const subscriptionCount = async () => {
    const res = await server.http.get('/fhir/Subscription?_summary=count');
    assert.equal(res.status, 200, res.text);
    return (res.body as { total: number }).total;
  };

  withReceiver(
    () => startTestServer(RECEIVING),
    (started, r) => {
      server = started;
      receiver = r;
    },
  );

  it('delivers before its end; past it records nothing (even while the loop is stopped), goes off, delivers nothing more', async () => {
    const end = new Date(Date.now() + 8_000);
    const created = await post('Subscription', subscription(`${receiver.url}/ending`, 'id-only', { end: end.toISOString() }));
    assert.equal(created.status, 201, created.text);
    const id = created.body.id as string;
    await waitForStatus(server, id, 'active');
    const ours = () => notifications(receiver.received.filter((r) => r.path.endsWith('/ending')));

    assert.equal((await post('Observation', pain('p1', 9))).status, 201);
    await receiver.until(() => ours().length === 1);

    // The loop stopped: nothing switches it off, so matching alone must leave it out once its end has passed.
    const loop = server.built.deliveryLoop;
    await loop.stop();
    try {
      await sleep(Math.max(0, end.getTime() - Date.now()) + 200);
      assert.equal((await post('Observation', pain('p1', 9))).status, 201);
      assert.equal(await events(id), 1, 'no event recorded past the end');
      const still = await server.http.get(`/fhir/Subscription/${id}`);
      assert.equal((still.body as Subscription).status, 'active', 'not yet switched off while no loop runs');
    } finally {
      loop.start();
    }

    const off = await waitForStatus(server, id, 'off');
    assert.match(off.error ?? '', /reached its end/);
    assert.equal(off.end, end.toISOString());

    assert.equal((await post('Observation', pain('p1', 10))).status, 201);
    await sleep(500);
    assert.equal(await events(id), 1, 'nothing recorded once off');
    assert.equal(ours().length, 1, 'nothing delivered after the end');
  });

  it('refuses a Subscription requested with an end already past (400 naming Subscription.end), creating nothing', async () => {
    const before = await subscriptionCount();
    const past = new Date(Date.now() - 60_000).toISOString();
    const res = await post('Subscription', subscription(`${receiver.url}/past`, 'id-only', { end: past }));
    assert.equal(res.status, 400, res.text);
    const outcome = res.body as OperationOutcome;
    assert.equal(outcome.resourceType, 'OperationOutcome');
    assert.ok(
      outcome.issue.some((i) => i.expression?.includes('Subscription.end')),
      res.text,
    );
    assert.equal(await subscriptionCount(), before);

    // Written `off`, a past end is no request: accepted and left off.
    const off = await post('Subscription', subscription(`${receiver.url}/past`, 'id-only', { end: past, status: 'off' }));
    assert.equal(off.status, 201, off.text);
    assert.equal((off.body as Subscription).status, 'off');
  });

  it('an end moved later by the client lets an ended Subscription be requested again', async () => {
    const end = new Date(Date.now() + 1_500).toISOString();
    const created = await post('Subscription', subscription(`${receiver.url}/renewed`, 'id-only', { end }));
    assert.equal(created.status, 201, created.text);
    const id = created.body.id as string;
    const off = await waitForStatus(server, id, 'off');
    const renewed = { ...off, status: 'requested', end: new Date(Date.now() + 60_000).toISOString() };
    const put = await server.http.put(`/fhir/Subscription/${id}`).set('Content-Type', FHIR_JSON).send(renewed);
    assert.equal(put.status, 200, put.text);
    const active = await waitForStatus(server, id, 'active');
    assert.equal(active.error, undefined);
    assert.equal((await post('Observation', pain('p2', 9))).status, 201);
    await receiver.until(() => notifications(receiver.received.filter((r) => r.path.endsWith('/renewed'))).length === 1);
  });
});
