// $status and $events under SMART authorization, through HTTP against MariaDB and Redis: refused without a token,
// to another user's token (404, as an unknown id) and to a token without a read scope on Subscription (403);
// and $events shows only events whose resource the caller's token may read, whatever the content asked
// (empty, id-only, full-resource), even the owner's: another patient's event is left out, its id and number with it. And the
// websocket channel shares the server's Redis connection (it opens one more only for pub/sub).
// https://hl7.org/fhir/uv/subscriptions-backport/OperationDefinition-backport-subscription-events.html
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Bundle, Parameters } from 'fhir/r4.js';
import { as, assertForbidden, startFixture, type Fixture } from './resource-server-fixture.js';
import { pain, param, waitForStatus, websocketSubscription } from './support/subscriptions.js';

describe('$status and $events under SMART', () => {
  let f: Fixture;
  before(async () => {
    f = await startFixture({ SUBSCRIPTION_POLL_MS: '50' });
  });
  after(async () => {
    await f.server.close();
  });

  const eventNumbers = (bundle: Bundle) =>
    (bundle.entry![0].resource as Parameters)
      .parameter!.filter((p) => p.name === 'notification-event')
      .map((p) => p.part!.find((x) => x.name === 'event-number')!.valueString);
  const recorded = async (id: string, n: number) => {
    for (const end = Date.now() + 15_000; ;) {
      const [row] = await f.server.sql<{ event_count: number }[]>('SELECT event_count FROM subscription WHERE id = ?', [id]);
      if (Number(row.event_count) >= n) return;
      assert.ok(Date.now() < end, `${n} events recorded for Subscription/${id}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  };

  it("$events leaves out another patient's events for every content, though the Subscription matched them", async () => {
    // A practitioner's Subscription sees every patient; another token of the same practitioner and app, confined
    // to Patient/a, sees the Subscription (its own) but not Patient/b's data.
    const app = await f.oneApp('patient/Observation.rs patient/Subscription.rs user/Observation.rs user/Subscription.cruds');
    const practitionerToken = await app.userToken('user/Observation.rs user/Subscription.cruds');
    const practitioner = practitionerToken.access_token;
    const created = await as(f.server, practitioner).post('Subscription', websocketSubscription('id-only'));
    assert.equal(created.status, 201, created.text);
    const id = created.body.id as string;
    await waitForStatus(f.server, id, 'active', practitioner);
    const theirs = await as(f.server, f.system).post('Observation', pain('b', 10));
    const ours = await as(f.server, f.system).post('Observation', pain('a', 9));
    assert.equal(ours.status, 201, ours.text);
    await recorded(id, 2);

    const patientA = (await f.sameUser(practitionerToken, 'launch/patient patient/Observation.rs patient/Subscription.rs', 'a'))
      .access_token;
    const otherUser = (await app.patientToken('a', 'patient/Observation.rs patient/Subscription.rs')).access_token;
    assert.equal(
      (await as(f.server, otherUser).get(`Subscription/${id}/$events`)).status,
      404,
      'another user of the app: not its Subscription',
    );
    for (const content of ['empty', 'id-only', 'full-resource']) {
      const res = await as(f.server, patientA).get(`Subscription/${id}/$events?content=${content}`);
      assert.equal(res.status, 200, res.text);
      assert.deepEqual(eventNumbers(res.body as Bundle), ['2'], content);
      assert.ok(!res.text.includes(theirs.body.id), `${content}: Patient/b's Observation is not named`);
      assert.ok(!res.text.includes('Patient/b'), `${content}: nor Patient/b`);
    }
    const all = await as(f.server, practitioner).get(`Subscription/${id}/$events`);
    assert.deepEqual(eventNumbers(all.body as Bundle), ['1', '2'], 'its creator may read both');
  });

  it('refuses $status and $events without a token, to another client, and without a read scope on Subscription', async () => {
    const owner = (await f.patientToken('a', 'patient/Observation.rs patient/Subscription.cruds')).access_token;
    const created = await as(f.server, owner).post('Subscription', websocketSubscription('id-only'));
    assert.equal(created.status, 201, created.text);
    const id = created.body.id as string;
    const status = await as(f.server, owner).get(`Subscription/${id}/$status`);
    assert.equal(status.status, 200, status.text);
    assert.equal(param((status.body as Bundle).entry![0].resource as Parameters, 'type')?.valueCode, 'query-status');

    const another = (await f.patientToken('b', 'patient/Observation.rs patient/Subscription.cruds')).access_token;
    const tooFew = (await f.patientToken('a', 'patient/Observation.rs')).access_token;
    for (const op of ['$status', '$events']) {
      const none = await f.server.http.get(`/fhir/Subscription/${id}/${op}`);
      assert.equal(none.status, 401, none.text);
      assert.equal(none.body.resourceType, 'OperationOutcome');
      for (const method of ['get', 'post'] as const) {
        const hidden =
          method === 'get'
            ? await as(f.server, another).get(`Subscription/${id}/${op}`)
            : await as(f.server, another).post(`Subscription/${id}/${op}`, { resourceType: 'Parameters' });
        assert.equal(hidden.status, 404, `${method} ${op}: ${hidden.text}`);
        assert.equal(hidden.body.issue[0].code, 'not-found');
        assert.ok(!hidden.text.includes('query-status'));
      }
      assertForbidden(await as(f.server, tooFew).get(`Subscription/${id}/${op}`), /Subscription/);
    }
  });

  it("the websocket channel uses the server's Redis connection; the others are pub/sub subscribers only", async () => {
    const redis = f.server.built.redis!;
    // startTestServer's Redis prefix is the database name and a colon; each connection is named after it.
    const list = (await redis.client('LIST')) as string;
    const ours = list
      .split('\n')
      .map((line) => /\bname=(\S*)/.exec(line)?.[1])
      .filter((name) => name?.startsWith(`${f.server.database}:`));
    // ws-fanout: websocket notifications between nodes; revocations: token revocations for the token cache.
    assert.deepEqual(ours.sort(), [`${f.server.database}:revocations`, `${f.server.database}:server`, `${f.server.database}:ws-fanout`]);
  });
});
