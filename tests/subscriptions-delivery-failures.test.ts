// The delivery loop when this server fails (not the subscriber): the websocket fan-out throwing (Redis down), the
// authorization check throwing, no websocket channel on the node. Each is tried again after a backoff, the
// Subscription stays active, and the loop does not spin meanwhile; at shutdown the loop stops before the channel
// closes. And what such a failure logs keeps the Subscription's channel headers out. Through HTTP against
// MariaDB (and Redis for the fan-out).
// https://hl7.org/fhir/R4/subscription.html
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { DeliveryLoop } from '../server/src/subscriptions/delivery-loop.js';
import { inspect } from 'node:util';
import type { Subscription } from 'fhir/r4.js';
import type { HookReceiver } from './support/hook-receiver.js';
import { pain, RECEIVING, subscription, waitForStatus, websocketSubscription, withReceiver } from './support/subscriptions.js';
import { FHIR_JSON, startTestServer, type TestServer } from './support/test-server.js';

const FAST = { SUBSCRIPTION_POLL_MS: '20', SUBSCRIPTION_RETRY_BASE_MS: '200', SUBSCRIPTION_MAX_ATTEMPTS: '2' };
/** The grant of a user's token of an app under AUTH_MODE=smart, as stored with its Subscriptions. */
const appGrant = { access: { clientId: 'app', scopes: ['user/*.rs'], grantId: 'g1' } };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Replaces the loop's websocket publisher with `publish`, counting how often the loop looks for it. */
function watchPublisher(loop: DeliveryLoop, publish: DeliveryLoop['websocket']) {
  const seen = { looked: 0 };
  let current = publish;
  Object.defineProperty(loop, 'websocket', {
    configurable: true,
    get: () => {
      seen.looked++;
      return current;
    },
    set: (v: DeliveryLoop['websocket']) => {
      current = v;
    },
  });
  return seen;
}

describe('the delivery loop when this server fails', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer(FAST);
  });
  after(async () => {
    await server.close();
  });

  const post = (path: string, body: unknown) =>
    server.http
      .post(`/fhir/${path}`)
      .set('Content-Type', FHIR_JSON)
      .send(body as object);
  const subscribe = async () => {
    const created = await post('Subscription', websocketSubscription('id-only'));
    assert.equal(created.status, 201, created.text);
    await waitForStatus(server, created.body.id, 'active');
    return created.body.id as string;
  };
  const pending = async (id: string) =>
    Number(
      (
        await server.sql<{ n: number }[]>(
          'SELECT COUNT(*) AS n FROM subscription_event WHERE subscription_id = ? AND delivered_at IS NULL',
          [id],
        )
      )[0].n,
    );
  const until = async (what: string, done: () => Promise<boolean>) => {
    for (const end = Date.now() + 15_000; !(await done()); await sleep(25)) assert.ok(Date.now() < end, what);
  };

  it('a websocket publish that throws is tried again after a backoff, without spinning, and the Subscription stays active', async () => {
    const loop = server.built.deliveryLoop;
    const real = loop.websocket;
    let calls = 0;
    const seen = watchPublisher(loop, () => {
      calls++;
      return Promise.reject(new Error('Redis is down'));
    });
    try {
      const id = await subscribe();
      assert.equal((await post('Observation', pain('p1', 9))).status, 201);
      await until('the publish was tried', () => Promise.resolve(calls > 0));
      await sleep(600);
      // Backing off from 200 ms: a few tries in 600 ms; a busy loop makes thousands.
      assert.ok(calls <= 4, `tried ${calls} times`);
      assert.ok(seen.looked <= 8, `looked ${seen.looked} times`);
      assert.equal(await pending(id), 1);
      assert.equal((await waitForStatus(server, id, 'active')).status, 'active', "a failure of this server is not the subscriber's");
      loop.websocket = real;
      await until('published once the fan-out works again', async () => (await pending(id)) === 0);
    } finally {
      loop.websocket = real;
    }
  });

  it('an authorization check that throws is tried again after a backoff, without spinning', async () => {
    const loop = server.built.deliveryLoop;
    const id = await subscribe();
    await loop.stop();
    assert.equal((await post('Observation', pain('p2', 9))).status, 201);
    // As a token's Subscription under AUTH_MODE=smart, whose authorization server cannot answer.
    await server.sql('UPDATE subscription SET grant_json = ? WHERE id = ?', [JSON.stringify(appGrant), id]);
    let asked = 0;
    loop.authorization = {
      clientExists: () => {
        asked++;
        return Promise.reject(new Error('Redis is down'));
      },
      grantExists: () => Promise.resolve(true),
    };
    try {
      loop.start();
      await until('the authorization was asked', () => Promise.resolve(asked > 0));
      await sleep(600);
      assert.ok(asked <= 4, `asked ${asked} times`);
      assert.equal(await pending(id), 1);
      assert.equal((await waitForStatus(server, id, 'active')).status, 'active');
      loop.authorization = { clientExists: () => Promise.resolve(true), grantExists: () => Promise.resolve(true) };
      await until('delivered once the authorization server answers', async () => (await pending(id)) === 0);
    } finally {
      loop.authorization = undefined;
    }
  });

  it('asks the authorization server once a round for a client and grant, however many of its Subscriptions deliver', async () => {
    const loop = server.built.deliveryLoop;
    const ids = [await subscribe(), await subscribe(), await subscribe()];
    await loop.stop();
    assert.equal((await post('Observation', pain('p4', 9))).status, 201);
    await server.sql('UPDATE subscription SET grant_json = ? WHERE id IN (?)', [JSON.stringify(appGrant), ids]);
    const asked = { client: 0, grant: 0 };
    loop.authorization = {
      clientExists: () => Promise.resolve(++asked.client > 0),
      grantExists: () => Promise.resolve(++asked.grant > 0),
    };
    try {
      loop.start();
      for (const id of ids) await until(`Subscription/${id} delivered`, async () => (await pending(id)) === 0);
      assert.deepEqual(asked, { client: 1, grant: 1 });
    } finally {
      loop.authorization = undefined;
    }
  });

  it('without a websocket channel on this node, pending websocket events wait without spinning', async () => {
    const loop = server.built.deliveryLoop;
    const real = loop.websocket;
    const seen = watchPublisher(loop, undefined);
    try {
      const id = await subscribe();
      assert.equal((await post('Observation', pain('p3', 9))).status, 201);
      await until('the loop looked for a channel', () => Promise.resolve(seen.looked > 0));
      await sleep(600);
      // The Subscriptions of the tests before match it too: three, a few tries each; a busy loop makes thousands.
      assert.ok(seen.looked <= 12, `looked ${seen.looked} times`);
      assert.equal(await pending(id), 1);
      loop.websocket = real;
      await until('published once the channel is there', async () => (await pending(id)) === 0);
    } finally {
      loop.websocket = real;
    }
  });
});

it('at shutdown the delivery loop stops before the websocket channel closes', async () => {
  const server = await startTestServer(FAST);
  const loop = server.built.deliveryLoop;
  const order: string[] = [];
  const stop = loop.stop.bind(loop);
  loop.stop = async () => {
    order.push('loop stopping');
    await stop();
    order.push('loop stopped');
  };
  let current = loop.websocket;
  Object.defineProperty(loop, 'websocket', {
    configurable: true,
    get: () => current,
    set: (v: DeliveryLoop['websocket']) => {
      if (v === undefined) order.push('channel unset');
      current = v;
    },
  });
  await server.close();
  assert.deepEqual(order.slice(0, 3), ['loop stopping', 'loop stopped', 'channel unset']);
});

describe("a Subscription's channel headers in the log", () => {
  let server: TestServer;
  let receiver: HookReceiver;
  withReceiver(
    () => startTestServer({ ...FAST, ...RECEIVING }),
    (s, r) => {
      server = s;
      receiver = r;
    },
  );

  it('a failure to store its status after the handshake is logged without the header values it holds', async () => {
    // Writes as MySQL 8 makes them by default (local_infile off): INSERTs, whose failures carry the statement with
    // its values inlined (mysql2's err.sql), the whole Subscription among them. The flag is shared by the writers.
    const capabilities = (server.built.ctx.searchParams as unknown as { store: { capabilities: { loadData: boolean } } }).store
      .capabilities;
    assert.equal(typeof capabilities.loadData, 'boolean', 'the write capabilities are found');
    const loadData = capabilities.loadData;
    capabilities.loadData = false;
    const logged: string[] = [];
    const error = console.error;
    console.error = (...args: unknown[]) => logged.push(args.map((a) => inspect(a, { depth: 5 })).join(' '));
    // The handshake is sent; storing the Subscription as `active` then fails in the database.
    await server.sql(
      `ALTER TABLE resource_history ADD CONSTRAINT no_active_subscription CHECK (res_type <> 'Subscription' OR content NOT LIKE '%"status":"active"%')`,
    );
    try {
      const sub = subscription(receiver.url + '/logged', 'id-only', {
        channel: { header: ['Authorization: Bearer header-secret-in-log'] } as Subscription['channel'],
      });
      const created = await server.http.post('/fhir/Subscription').set('Content-Type', FHIR_JSON).send(sub);
      assert.equal(created.status, 201, created.text);
      for (let i = 0; i < 300 && !logged.some((l) => l.includes(`Subscription/${created.body.id}: delivery failed on this server`)); i++)
        await sleep(20);
    } finally {
      await server.sql('ALTER TABLE resource_history DROP CONSTRAINT no_active_subscription');
      console.error = error;
      capabilities.loadData = loadData;
    }
    assert.ok(
      receiver.received.some((r) => r.path.endsWith('/logged') && r.headers.authorization === 'Bearer header-secret-in-log'),
      'the receiver got its header',
    );
    const text = logged.join('\n');
    assert.match(text, /delivery failed on this server/);
    assert.match(text, /no_active_subscription/, 'the cause is still named');
    assert.ok(!text.includes('header-secret-in-log'), text);
  });
});
