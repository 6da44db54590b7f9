// The websocket channel of Subscriptions, through real sockets against MariaDB and Redis with two app instances:
// the write lands on one node (whose delivery loop records and publishes it), the socket is bound on the other
// (fan-out through Redis pub/sub). Binding with a token from $get-ws-binding-token, `bound`, `ping`, the access
// of the binding token checked on every message, and the bounds (connections per client, message size, idle).
// https://hl7.org/fhir/R4/subscription.html#2.46.7.2, https://hl7.org/fhir/uv/subscriptions-backport/
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { Bundle, Observation, Parameters } from 'fhir/r4.js';
import { buildApp, type BuiltApp } from '../server/src/app.js';
import { loadConfig } from '../server/src/config.js';
import { as, startFixture, type Fixture } from './resource-server-fixture.js';
import { listen, type Listening } from './support/listen.js';
import { pain, subscription, waitForStatus, websocketSubscription } from './support/subscriptions.js';
import { connect } from './support/ws-client.js';

const PREFIX = `fibrotrack_test_ws_${randomBytes(4).toString('hex')}:`;

describe('websocket Subscriptions across two nodes', () => {
  let f: Fixture;
  let other: BuiltApp;
  let node2: Listening;

  before(async () => {
    f = await startFixture({ REDIS_PREFIX: PREFIX, SUBSCRIPTION_POLL_MS: '50' });
    // The second node delivers nothing itself: what its sockets get was published by the first node's loop.
    other = await buildApp(
      loadConfig({
        DATABASE_URL: `${process.env.TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306'}/${f.server.database}`,
        BASE_URL: 'http://localhost:8080',
        AUTH_MODE: 'smart',
        REDIS_PREFIX: PREFIX,
        SUBSCRIPTION_DELIVERY: 'false',
        SUBSCRIPTION_WS_MAX_PER_CLIENT: '1',
        SUBSCRIPTION_WS_IDLE_MS: '1500',
      }),
    );
    node2 = await listen(other.app, other.upgrade);
  });
  after(async () => {
    await node2.close();
    await other.close();
    await f.server.close();
  });

  /** A websocket Subscription by `token`, active, and a binding token for it asked by `asker` (default the owner). */
  const subscribeWs = async (token: string, content: 'empty' | 'id-only' | 'full-resource', asker = token) => {
    const created = await as(f.server, token).post('Subscription', websocketSubscription(content));
    assert.equal(created.status, 201, created.text);
    await waitForStatus(f.server, created.body.id, 'active', token);
    const res = await as(f.server, asker).post(`Subscription/${created.body.id}/$get-ws-binding-token`, { resourceType: 'Parameters' });
    assert.equal(res.status, 200, res.text);
    const out = (name: string) => (res.body as Parameters).parameter!.find((p) => p.name === name)!;
    const url = new URL(out('websocket-url').valueUrl!);
    assert.equal(url.href, 'ws://localhost:8080/fhir/ws');
    return { id: created.body.id as string, token: out('token').valueString!, url: `${node2.base.replace('http', 'ws')}${url.pathname}` };
  };

  it('a socket bound on one node gets the pain scores written on the other, in full, after `bound`', async () => {
    const token = (await f.patientToken('a', 'patient/Observation.rs patient/Subscription.cruds')).access_token;
    const { id, token: binding, url } = await subscribeWs(token, 'full-resource');
    const socket = await connect(url);
    socket.ws.send(`bind-with-token ${binding}`);
    assert.deepEqual(await socket.until(1), [`bound ${id}`]);
    const theirs = await as(f.server, f.system).post('Observation', pain('b', 10));
    const ours = await as(f.server, f.system).post('Observation', pain('a', 9));
    assert.equal(ours.status, 201, ours.text);
    const [, message] = await socket.until(2);
    const bundle = JSON.parse(message) as Bundle;
    const status = bundle.entry![0].resource as Parameters;
    assert.equal(status.parameter!.find((p) => p.name === 'type')?.valueCode, 'event-notification');
    // Events are numbered and published in commit order: had b's been recorded, it would have come first.
    assert.equal((bundle.entry![1].resource as Observation).id, ours.body.id);
    assert.ok(!socket.messages.some((m) => m.includes(theirs.body.id)), "Patient/b's score never reached Patient/a's socket");
    socket.ws.close();
  });

  it('an empty payload is `ping <id>`; a binding token is spent by its first use', async () => {
    const owner = await f.backendToken('system/Observation.rs system/Subscription.cruds');
    const { id, token: binding, url } = await subscribeWs(owner.access_token, 'empty');
    const socket = await connect(url);
    socket.ws.send(`bind-with-token ${binding}`);
    await socket.until(1);
    assert.equal((await as(f.server, f.system).post('Observation', pain('a', 10))).status, 201);
    assert.deepEqual(await socket.until(2), [`bound ${id}`, `ping ${id}`]);
    const again = await connect(url);
    again.ws.send(`bind-with-token ${binding}`);
    assert.match((await again.until(1))[0], /^error the binding token is unknown, spent or expired/);
    assert.equal((await again.closed).code, 1008);
    socket.ws.close();
  });

  it('sends nothing that the binding token may not read, though the Subscription matched it', async () => {
    const owner = await f.backendToken('system/Observation.rs system/Subscription.cruds');
    // Another token of the same client (its own user) sees the Subscription, but may not read Observations.
    const watcher = await f.sameUser(owner, 'system/Subscription.rs');
    const { id, token: binding, url } = await subscribeWs(owner.access_token, 'id-only', watcher.access_token);
    const socket = await connect(url);
    socket.ws.send(`bind-with-token ${binding}`);
    assert.deepEqual(await socket.until(1), [`bound ${id}`]);
    const written = await as(f.server, f.system).post('Observation', pain('a', 10));
    assert.equal(written.status, 201);
    const published = async () =>
      Number(
        (
          await f.server.sql<{ n: number }[]>(
            'SELECT COUNT(*) AS n FROM subscription_event WHERE subscription_id = ? AND delivered_at IS NOT NULL',
            [id],
          )
        )[0].n,
      );
    for (let i = 0; i < 300 && (await published()) === 0; i++) await new Promise((r) => setTimeout(r, 50));
    assert.equal(await published(), 1, 'the event was published');
    // Published to this very socket's node: a message it were sent would be here well within this.
    await new Promise((r) => setTimeout(r, 300));
    assert.deepEqual(socket.messages, [`bound ${id}`]);
    socket.ws.close();
  });

  it('refuses binding tokens to those who may not have them', async () => {
    const token = (await f.patientToken('a', 'patient/Observation.rs patient/Subscription.cruds')).access_token;
    const created = await as(f.server, token).post('Subscription', websocketSubscription('id-only'));
    const id = created.body.id as string;
    const stranger = (await f.patientToken('b', 'patient/Observation.rs patient/Subscription.cruds')).access_token;
    assert.equal((await as(f.server, stranger).post(`Subscription/${id}/$get-ws-binding-token`, {})).status, 404);
    const noScope = (await f.patientToken('a', 'patient/Observation.rs')).access_token;
    assert.equal((await as(f.server, noScope).post(`Subscription/${id}/$get-ws-binding-token`, {})).status, 403);
    assert.equal((await f.server.http.post(`/fhir/Subscription/${id}/$get-ws-binding-token`)).status, 401);
    const restHook = await as(f.server, token).post('Subscription', subscription('https://alerts.example.org/hook', 'id-only'));
    const refused = await as(f.server, token).get(`Subscription/${restHook.body.id}/$get-ws-binding-token`);
    assert.equal(refused.status, 422, refused.text);
    assert.match(refused.body.issue[0].diagnostics, /binding tokens are for websocket Subscriptions/);
  });

  it('binds no socket with a binding token of another user, though of the same app', async () => {
    const app = await f.oneApp('patient/Observation.rs patient/Subscription.cruds');
    const owner = (await app.patientToken('a', 'patient/Observation.rs patient/Subscription.cruds')).access_token;
    const { id, url } = await subscribeWs(owner, 'id-only');
    const other = (await app.patientToken('b', 'patient/Observation.rs patient/Subscription.cruds')).access_token;
    const asked = await as(f.server, other).post(`Subscription/${id}/$get-ws-binding-token`, {});
    assert.equal(asked.status, 404, asked.text);
    // A binding token naming the owner's Subscription, issued to the other user (as one from before ownership
    // was per user would be): stored as $get-ws-binding-token stores one, then refused at the bind.
    const access = await f.server.built.verifier!.verify(other);
    const { expiresAt: _e, ...grant } = access!;
    const forged = randomBytes(32).toString('base64url');
    await f.server.built.redis!.set(
      `${PREFIX}ws-binding:${forged}`,
      JSON.stringify({ subscriptionIds: [id], grant: { access: grant } }),
      'EX',
      60,
    );
    const socket = await connect(url);
    socket.ws.send(`bind-with-token ${forged}`);
    assert.match((await socket.until(1))[0], new RegExp(`^error no websocket Subscription to bind to: ${id}`));
    assert.equal((await socket.closed).code, 1008);
  });

  it('the per-client limit is per user: two users of one app each bind a socket', async () => {
    const app = await f.oneApp('patient/Observation.rs patient/Subscription.cruds');
    const sockets = [];
    for (const patient of ['a', 'b']) {
      const token = (await app.patientToken(patient, 'patient/Observation.rs patient/Subscription.cruds')).access_token;
      const { id, token: binding, url } = await subscribeWs(token, 'id-only');
      const socket = await connect(url);
      socket.ws.send(`bind-with-token ${binding}`);
      assert.deepEqual(await socket.until(1), [`bound ${id}`], `Patient/${patient}'s user`);
      sockets.push(socket);
    }
    for (const socket of sockets) {
      socket.ws.close();
      await socket.closed;
    }
  });

  it('bounds sockets: `bind` without a token, one socket per client here, big messages, unbound sockets', async () => {
    const token = (await f.patientToken('a', 'patient/Observation.rs patient/Subscription.cruds')).access_token;
    const first = await subscribeWs(token, 'id-only');
    const url = first.url;
    const plain = await connect(url);
    plain.ws.send(`bind ${first.id}`);
    assert.match((await plain.until(1))[0], /^error `bind <id>` needs no token and is refused here/);
    assert.equal((await plain.closed).code, 1008);

    const one = await connect(url);
    one.ws.send(`bind-with-token ${first.token}`);
    await one.until(1);
    const second = await as(f.server, token).post(`Subscription/${first.id}/$get-ws-binding-token`, {});
    const two = await connect(url);
    two.ws.send(`bind-with-token ${(second.body as Parameters).parameter![0].valueString}`);
    assert.match((await two.until(1))[0], /sockets bound already \(the most allowed\)/);
    assert.equal((await two.closed).code, 1008);
    one.ws.close();

    const big = await connect(url);
    big.ws.send('x'.repeat(2048));
    assert.equal((await big.closed).code, 1009, 'message too big');

    const idle = await connect(url);
    const closed = await idle.closed;
    assert.equal(closed.code, 1008);
    assert.equal(closed.reason, 'not bound in time');
  });
});
