// Subscriptions under SMART authorization: a Subscription delivers only what the token that created it may read
// (its grant, judged by the one access policy), is refused to a token that may not read the criteria's type, and
// cannot be changed or deleted by another client, nor read: it is visible only to its own client and system/ tokens.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Bundle, Subscription } from 'fhir/r4.js';
import { as, assertForbidden, assertHidden, ids, startFixture, type Fixture } from './resource-server-fixture.js';
import type { HookReceiver } from './support/hook-receiver.js';
import { notifications, pain, subscription, waitForStatus, RECEIVING, withReceiver } from './support/subscriptions.js';

describe('Subscriptions and the access policy', () => {
  let f: Fixture;
  let receiver: HookReceiver;

  withReceiver(() => startFixture(RECEIVING), (started, r) => {
    f = started;
    receiver = r;
  });

  it("a patient/ token's subscription never carries another patient's data", async () => {
    const token = (await f.patientToken('a', 'patient/Observation.rs patient/Subscription.cruds')).access_token;
    const created = await as(f.server, token).post('Subscription', subscription(receiver.url + '/a', 'full-resource'));
    assert.equal(created.status, 201, created.text);
    await waitForStatus(f.server, created.body.id, 'active', token);
    const system = as(f.server, f.system);
    const theirs = await system.post('Observation', pain('b', 10));
    assert.equal(theirs.status, 201, theirs.text);
    const ours = await system.post('Observation', pain('a', 9));
    assert.equal(ours.status, 201, ours.text);
    const mine = () => notifications(receiver.received).filter((r) => r.path.endsWith('/a'));
    await receiver.until(() => mine().length >= 1);
    // Events are numbered in commit order: had b's been recorded it would be event 1 and sent first.
    const sent = mine().map((r) => (r.json as Bundle).entry![1].resource as { id: string; subject: { reference: string } });
    assert.deepEqual(sent.map((o) => o.id), [ours.body.id]);
    assert.ok(!receiver.received.some((r) => r.body.includes(theirs.body.id)), "Patient/b's Observation never left the server");
    const [row] = await f.server.sql<{ n: number }[]>('SELECT COUNT(*) AS n FROM subscription_event WHERE subscription_id = ?', [created.body.id]);
    assert.equal(Number(row.n), 1);
  });

  it('refuses a Subscription to a token that may not read what its criteria select', async () => {
    const token = (await f.patientToken('a', 'patient/Subscription.cruds')).access_token;
    const res = await as(f.server, token).post('Subscription', subscription(receiver.url + '/refused', 'id-only'));
    assertForbidden(res, /do not allow read \(r\) on Observation/);
    const [row] = await f.server.sql<{ n: number }[]>("SELECT COUNT(*) AS n FROM resource WHERE res_type = 'Subscription' AND deleted = 0");
    assert.equal(Number(row.n), 1, 'nothing stored but the first test’s subscription');
  });

  it("refuses changes to and deletion of another client's Subscription", async () => {
    const owner = (await f.userToken('user/Observation.rs user/Subscription.cruds')).access_token;
    const created = await as(f.server, owner).post('Subscription', subscription(receiver.url + '/owned', 'id-only'));
    assert.equal(created.status, 201, created.text);
    const other = (await f.userToken('user/Observation.rs user/Subscription.cruds')).access_token;
    const changed = await as(f.server, other).put(`Subscription/${created.body.id}`, { ...created.body, channel: { ...created.body.channel, endpoint: receiver.url + '/stolen' } } as Subscription);
    assertForbidden(changed, /belongs to another client/);
    assertForbidden(await as(f.server, other).delete(`Subscription/${created.body.id}`), /belongs to another client/);
    const off = await as(f.server, owner).put(`Subscription/${created.body.id}`, { ...created.body, status: 'off' } as Subscription);
    assert.equal(off.status, 200, off.text);
    assert.equal((off.body as Subscription).status, 'off');
  });

  it("another client cannot read, search or page through a Subscription's history (its criteria and headers stay private)", async () => {
    const owner = (await f.patientToken('a', 'patient/Observation.rs patient/Subscription.cruds')).access_token;
    const secret = { ...subscription(receiver.url + '/private', 'id-only'), channel: { ...subscription(receiver.url + '/private', 'id-only').channel, header: ['Authorization: Bearer receiver-secret'] } };
    const created = await as(f.server, owner).post('Subscription', secret);
    assert.equal(created.status, 201, created.text);
    const id = created.body.id as string;
    const other = as(f.server, (await f.patientToken('b', 'patient/Observation.rs patient/Subscription.cruds')).access_token);
    assertHidden(await other.get(`Subscription/${id}`), await other.get('Subscription/no-such-sub'), id, 'no-such-sub');
    assertHidden(await other.get(`Subscription/${id}/_history/1`), await other.get('Subscription/no-such-sub/_history/1'), id, 'no-such-sub');
    assertHidden(await other.get(`Subscription/${id}/_history`), await other.get('Subscription/no-such-sub/_history'), id, 'no-such-sub');
    const searched = await other.get('Subscription');
    assert.ok(!ids(searched).includes(`Subscription/${id}`));
    assert.ok(!searched.text.includes('receiver-secret'));
    const history = await other.get('Subscription/_history');
    assert.equal(history.status, 200, history.text);
    assert.ok(!history.text.includes('receiver-secret'));
    // Its own client and a system/ token see it.
    assert.equal((await as(f.server, owner).get(`Subscription/${id}`)).status, 200);
    assert.ok(ids(await as(f.server, owner).get('Subscription')).includes(`Subscription/${id}`));
    assert.ok(ids(await as(f.server, f.system).get('Subscription')).includes(`Subscription/${id}`));
  });
});
