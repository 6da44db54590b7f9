// A Subscription stops when the authorization that created it ends: its grant revoked at /auth/revoke (status
// off at once, with the reason in `error`), or its client removed (switched off instead of delivering). Through
// HTTP against MariaDB and Redis, with a real local receiver.
// https://hl7.org/fhir/R4/subscription.html, https://datatracker.ietf.org/doc/html/rfc7009
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { as, startFixture, type Fixture } from './resource-server-fixture.js';
import type { HookReceiver } from './support/hook-receiver.js';
import { revoke } from './support/smart-tokens.js';
import { pain, subscription, waitForStatus, waitForStoredStatus, RECEIVING, withReceiver } from './support/subscriptions.js';

describe('Subscriptions end with their authorization', () => {
  let f: Fixture;
  let receiver: HookReceiver;

  withReceiver(
    () => startFixture(RECEIVING),
    (started, r) => {
      f = started;
      receiver = r;
    },
  );

  const pending = async (id: string) =>
    Number(
      (
        await f.server.sql<{ n: number }[]>(
          'SELECT COUNT(*) AS n FROM subscription_event WHERE subscription_id = ? AND delivered_at IS NULL',
          [id],
        )
      )[0].n,
    );

  /** A patient app's active Subscription, then its access token revoked: the Subscription as it is once off. */
  const subscribeThenRevoke = async (path: string) => {
    const token = await f.patientToken('a', 'patient/Observation.rs patient/Subscription.cruds');
    const created = await as(f.server, token.access_token).post('Subscription', subscription(receiver.url + path, 'id-only'));
    assert.equal(created.status, 201, created.text);
    await waitForStatus(f.server, created.body.id, 'active', token.access_token);
    assert.equal((await revoke(f.server, { clientId: token.registeredClientId }, token.access_token)).status, 200);
    return { token, created, off: await waitForStoredStatus(f.server, created.body.id, 'off') };
  };

  it('a revoked grant switches its Subscription off at once, and later pain scores are not sent', async () => {
    const { created, off } = await subscribeThenRevoke('/revoked');
    assert.match(off.error ?? '', /authorization \(grant\) that created it was revoked/);
    assert.equal((await as(f.server, f.system).post('Observation', pain('a', 10))).status, 201);
    const [row] = await f.server.sql<{ event_count: number }[]>('SELECT event_count FROM subscription WHERE id = ?', [created.body.id]);
    assert.equal(Number(row.event_count), 0, 'an off Subscription records no event');
    assert.ok(!receiver.received.some((r) => r.path.endsWith('/revoked') && r.json?.entry?.length > 1), 'no notification sent');
  });

  it("a removed client's Subscription goes off instead of delivering what was recorded", async () => {
    const backend = await f.backendToken('system/Observation.rs system/Subscription.cruds');
    const created = await as(f.server, backend.access_token).post('Subscription', subscription(receiver.url + '/removed', 'full-resource'));
    assert.equal(created.status, 201, created.text);
    await waitForStatus(f.server, created.body.id, 'active', backend.access_token);
    assert.equal(await f.server.built.auth!.clientStore.remove(backend.registeredClientId), true);
    const written = await as(f.server, f.system).post('Observation', pain('b', 9));
    assert.equal(written.status, 201, written.text);
    const off = await waitForStoredStatus(f.server, created.body.id, 'off');
    assert.match(off.error ?? '', new RegExp(`client '${backend.registeredClientId}' that created it was removed`));
    assert.ok(!receiver.received.some((r) => r.body.includes(written.body.id)), 'the recorded event never left the server');
    assert.equal(await pending(created.body.id), 1, 'the event stays recorded, undelivered');
  });

  it('the revoked token cannot start its stopped Subscription again', async () => {
    const { token, created, off } = await subscribeThenRevoke('/again');
    const again = await as(f.server, token.access_token).put(`Subscription/${created.body.id}`, { ...off, status: 'requested' });
    assert.equal(again.status, 401, again.text);
    assert.equal((await waitForStoredStatus(f.server, created.body.id, 'off')).status, 'off');
  });
});
