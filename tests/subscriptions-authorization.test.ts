// Subscriptions under SMART authorization: a Subscription delivers only what the token that created it may read
// (its grant, judged by the one access policy), is refused to a token that may not read the criteria's type, and
// belongs to the user of the client whose token created it: to any other token (another user of the same app, a
// system/ token of another client) it is absent, 404 as an unknown id, whatever the interaction or operation.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Bundle, OperationOutcome, Subscription } from 'fhir/r4.js';
import type { Response } from 'supertest';
import { as, assertForbidden, assertHidden, ids, startFixture, type Fixture } from './resource-server-fixture.js';
import type { HookReceiver } from './support/hook-receiver.js';
import { downloadAll, kickOff, manifestOf } from './support/bulk-export.js';
import { notifications, pain, subscription, waitForStatus, RECEIVING, withReceiver } from './support/subscriptions.js';

describe('Subscriptions and the access policy', () => {
  let f: Fixture;
  let receiver: HookReceiver;

  withReceiver(
    () => startFixture({ ...RECEIVING, EXPORT_SETTLE_MS: '50', EXPORT_POLL_MS: '200' }),
    (started, r) => {
      f = started;
      receiver = r;
    },
  );

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
    assert.deepEqual(
      sent.map((o) => o.id),
      [ours.body.id],
    );
    assert.ok(!receiver.received.some((r) => r.body.includes(theirs.body.id)), "Patient/b's Observation never left the server");
    const [row] = await f.server.sql<{ n: number }[]>('SELECT COUNT(*) AS n FROM subscription_event WHERE subscription_id = ?', [
      created.body.id,
    ]);
    assert.equal(Number(row.n), 1);
  });

  it('refuses a Subscription to a token that may not read what its criteria select', async () => {
    const token = (await f.patientToken('a', 'patient/Subscription.cruds')).access_token;
    const res = await as(f.server, token).post('Subscription', subscription(receiver.url + '/refused', 'id-only'));
    assertForbidden(res, /do not allow read \(r\) on Observation/);
    const [row] = await f.server.sql<{ n: number }[]>("SELECT COUNT(*) AS n FROM resource WHERE res_type = 'Subscription' AND deleted = 0");
    assert.equal(Number(row.n), 1, 'nothing stored but the first test’s subscription');
  });

  it("another client's user cannot change or delete a Subscription: 404, as an unknown id", async () => {
    const owner = (await f.userToken('user/Observation.rs user/Subscription.cruds')).access_token;
    const created = await as(f.server, owner).post('Subscription', subscription(receiver.url + '/owned', 'id-only'));
    assert.equal(created.status, 201, created.text);
    const other = (await f.userToken('user/Observation.rs user/Subscription.cruds')).access_token;
    assertAbsent(
      await as(f.server, other).put(`Subscription/${created.body.id}`, {
        ...created.body,
        channel: { ...created.body.channel, endpoint: receiver.url + '/stolen' },
      } as Subscription),
      created.body.id,
    );
    assertAbsent(await as(f.server, other).delete(`Subscription/${created.body.id}`), created.body.id);
    const off = await as(f.server, owner).put(`Subscription/${created.body.id}`, { ...created.body, status: 'off' } as Subscription);
    assert.equal(off.status, 200, off.text);
    assert.equal((off.body as Subscription).status, 'off');
    assert.equal((off.body as Subscription).channel.endpoint, receiver.url + '/owned');
  });

  it("another client cannot read, search or page through a Subscription's history (its criteria and headers stay private)", async () => {
    const owner = (await f.patientToken('a', 'patient/Observation.rs patient/Subscription.cruds')).access_token;
    const created = await as(f.server, owner).post('Subscription', withSecret(receiver.url + '/private'));
    assert.equal(created.status, 201, created.text);
    const id = created.body.id as string;
    const other = as(f.server, (await f.patientToken('b', 'patient/Observation.rs patient/Subscription.cruds')).access_token);
    assertHidden(await other.get(`Subscription/${id}`), await other.get('Subscription/no-such-sub'), id, 'no-such-sub');
    assertHidden(
      await other.get(`Subscription/${id}/_history/1`),
      await other.get('Subscription/no-such-sub/_history/1'),
      id,
      'no-such-sub',
    );
    assertHidden(await other.get(`Subscription/${id}/_history`), await other.get('Subscription/no-such-sub/_history'), id, 'no-such-sub');
    const searched = await other.get('Subscription');
    assert.ok(!ids(searched).includes(`Subscription/${id}`));
    assert.ok(!searched.text.includes('receiver-secret'));
    const history = await other.get('Subscription/_history');
    assert.equal(history.status, 200, history.text);
    assert.ok(!history.text.includes('receiver-secret'));
    // Its owner sees it; a system/ token of another client does not.
    assert.equal((await as(f.server, owner).get(`Subscription/${id}`)).status, 200);
    assert.ok(ids(await as(f.server, owner).get('Subscription')).includes(`Subscription/${id}`));
    assert.ok(!ids(await as(f.server, f.system).get('Subscription')).includes(`Subscription/${id}`));
    assert.equal((await as(f.server, f.system).get(`Subscription/${id}`)).status, 404);
  });

  it('another user of the same app neither sees nor touches a Subscription: 404 everywhere, as an unknown id', async () => {
    const scope = 'user/Observation.rs user/Subscription.cruds user/Provenance.cruds';
    const app = await f.oneApp(scope);
    const ownerToken = await app.userToken(scope);
    const owner = as(f.server, ownerToken.access_token);
    const created = await owner.post('Subscription', withSecret(receiver.url + '/same-app'));
    assert.equal(created.status, 201, created.text);
    const sub = created.body as Subscription;
    const id = sub.id!;
    // The second user is a practitioner too (the same fhirUser, Practitioner/pr1), signed in to the same app.
    const other = as(f.server, (await app.userToken(scope)).access_token);
    const unknown = 'no-such-sub';
    for (const path of ['', '/_history/1', '/_history', '/$status', '/$events']) {
      assertHidden(await other.get(`Subscription/${id}${path}`), await other.get(`Subscription/${unknown}${path}`), id, unknown);
    }
    assertHidden(
      await other.patch(`Subscription/${id}`, [{ op: 'replace', path: '/status', value: 'off' }]),
      await other.patch(`Subscription/${unknown}`, [{ op: 'replace', path: '/status', value: 'off' }]),
      id,
      unknown,
    );
    assertAbsent(await other.put(`Subscription/${id}`, { ...sub, channel: { ...sub.channel, endpoint: receiver.url + '/stolen' } }), id);
    assertAbsent(await other.delete(`Subscription/${id}`), id);
    // Conditional ones find nothing: the delete deletes nothing, the update creates a Subscription of the caller's own.
    assert.equal((await other.delete(`Subscription?_id=${id}`)).status, 204);
    const conditional = await other.put(`Subscription?_id=${id}`, subscription(receiver.url + '/own', 'id-only'));
    assert.equal(conditional.status, 201, conditional.text);
    assert.notEqual(conditional.body.id, id);
    for (const search of [`Subscription?_id=${id}`, 'Subscription', `Subscription?_id=${id}&_summary=count`]) {
      const res = await other.get(search);
      assert.ok(!ids(res).includes(`Subscription/${id}`), search);
      assert.ok(!res.text.includes('receiver-secret'), search);
    }
    assert.equal((await other.get(`Subscription?_id=${id}&_summary=count`)).body.total, 0, 'not counted either');
    assert.equal((await other.get(`Subscription?_id=${id},${conditional.body.id}&_total=accurate`)).body.total, 1, 'its own counted alone');
    // Included through another resource's reference: left out for the other user, there for the owner.
    const provenance = await owner.post('Provenance', {
      resourceType: 'Provenance',
      target: [{ reference: `Subscription/${id}` }],
      recorded: '2026-12-01T10:00:00Z',
      agent: [{ who: { reference: 'Practitioner/pr1' } }],
    });
    assert.equal(provenance.status, 201, provenance.text);
    const included = `Provenance?_id=${provenance.body.id}&_include=Provenance:target`;
    assert.deepEqual(ids(await other.get(included)), [`Provenance/${provenance.body.id}`]);
    assert.deepEqual(ids(await owner.get(included)), [`Provenance/${provenance.body.id}`, `Subscription/${id}`]);
    // The owner still reads, changes and finds it, untouched by the other user.
    const read = await owner.get(`Subscription/${id}`);
    assert.equal(read.status, 200, read.text);
    assert.equal((read.body as Subscription).channel.endpoint, receiver.url + '/same-app');
    const versions = await owner.get(`Subscription/${id}/_history`);
    assert.equal(versions.status, 200, versions.text);
    assert.ok(!versions.text.includes('/stolen'), 'no version of it was written by the other user');
    assert.equal((await owner.get(`Subscription/${id}/$status`)).status, 200);
    assert.deepEqual(ids(await owner.get(`Subscription?_id=${id}`)), [`Subscription/${id}`]);
    assert.equal((await owner.get(`Subscription?_id=${id}&_summary=count`)).body.total, 1);
    // Another token of the owner (the same user and app) is the owner.
    const again = as(f.server, (await f.sameUser(ownerToken, 'user/Observation.rs user/Subscription.rs')).access_token);
    assert.equal((await again.get(`Subscription/${id}`)).status, 200);
    const deleted = await owner.delete(`Subscription/${id}`);
    assert.equal(deleted.status, 204, deleted.text);
    // Deleted, it stays absent to the other user (not 410), and its id cannot be taken over.
    assertHidden(await other.get(`Subscription/${id}`), await other.get(`Subscription/${unknown}`), id, unknown);
    assertAbsent(await other.put(`Subscription/${id}`, { ...sub, channel: { ...sub.channel, endpoint: receiver.url + '/stolen' } }), id);
    assert.equal((await owner.get(`Subscription/${id}`)).status, 410);
  });

  it("a chained or _has search through Subscription is refused (400) to every token: it cannot tell that another user's Subscription exists", async () => {
    const scope = 'user/Observation.rs user/Subscription.cruds user/Provenance.cruds';
    const app = await f.oneApp(scope);
    const owner = as(f.server, (await app.userToken(scope)).access_token);
    const endpoint = receiver.url + '/chained';
    const created = await owner.post('Subscription', subscription(endpoint, 'id-only'));
    assert.equal(created.status, 201, created.text);
    const provenance = await owner.post('Provenance', {
      resourceType: 'Provenance',
      target: [{ reference: `Subscription/${created.body.id}` }],
      recorded: '2026-12-01T10:00:00Z',
      agent: [{ who: { reference: 'Practitioner/pr1' } }],
    });
    assert.equal(provenance.status, 201, provenance.text);
    const other = as(f.server, (await app.userToken(scope)).access_token);
    const url = encodeURIComponent(endpoint);
    for (const [search, param] of [
      [`Provenance?target:Subscription.url=${url}`, 'target:Subscription.url'],
      [`Provenance?target:Subscription.url=${encodeURIComponent('https://nobody.example.org/hook')}`, 'target:Subscription.url'],
      ['Provenance?target:Subscription.status=requested,active', 'target:Subscription.status'],
      [`Provenance?target.url=${url}`, 'target.url'],
    ]) {
      for (const who of [other, owner]) {
        const res = await who.get(search);
        assert.equal(res.status, 400, `${search}: ${res.text}`);
        const oo = res.body as OperationOutcome;
        assert.equal(oo.resourceType, 'OperationOutcome');
        assert.match(oo.issue[0].diagnostics ?? '', new RegExp(`'${param.replace('.', '\\.')}'.*through Subscription`), search);
        assert.ok(!res.text.includes(created.body.id as string), search);
      }
    }
    // The same chain into another type still works, and the Provenance itself is found by its own parameters.
    assert.equal((await other.get('Provenance?target:Observation.code=nobody')).status, 200);
    assert.deepEqual(ids(await owner.get(`Provenance?_id=${provenance.body.id}`)), [`Provenance/${provenance.body.id}`]);
  });

  it('a Bulk Data export under a token leaves every Subscription out, and refuses _type=Subscription (403)', async () => {
    const owner = (await f.backendToken('system/*.cruds')).access_token;
    const created = await as(f.server, owner).post('Subscription', withSecret(receiver.url + '/exported'));
    assert.equal(created.status, 201, created.text);
    const files = await downloadAll(
      f.server,
      await manifestOf(f.server, await kickOff(f.server, '$export', { token: owner }), owner),
      owner,
    );
    assert.ok(files.has('Patient'), 'the export ran over the other types');
    assert.ok(!files.has('Subscription'), 'not even its own creator’s');
    assert.ok(![...files.values()].flat().some((r) => JSON.stringify(r).includes('receiver-secret')));
    const asked = await f.server.http
      .get('/fhir/$export?_type=Subscription')
      .set({ Prefer: 'respond-async', Accept: 'application/fhir+json', Authorization: `Bearer ${f.system}` });
    assertForbidden(asked, /Subscriptions are not exported: each is visible only to the user who created it/);
  });
});

/** A rest-hook Subscription whose channel carries a secret header for its receiver. */
function withSecret(endpoint: string): Subscription {
  const sub = subscription(endpoint, 'id-only');
  return { ...sub, channel: { ...sub.channel, header: ['Authorization: Bearer receiver-secret'] } };
}

/** 404 not-found naming the Subscription as an unknown id would be named (an update or delete of one never stored differs). */
function assertAbsent(res: Response, id: string): void {
  assert.equal(res.status, 404, res.text);
  const oo = res.body as OperationOutcome;
  assert.equal(oo.issue[0].code, 'not-found');
  assert.doesNotMatch(res.text, /another|belongs|owner/);
  assert.match(oo.issue[0].diagnostics ?? '', new RegExp(`Subscription/${id}`));
}
