// FHIR Subscriptions, rest-hook channel, through HTTP against MariaDB with a real local receiver: the handshake
// (requested -> active), each payload type, channel headers, criteria matched by search, retries then `error`,
// events recorded while no loop runs delivered after a restart, one delivery per event with two nodes.
// https://hl7.org/fhir/R4/subscription.html, https://hl7.org/fhir/uv/subscriptions-backport/
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, it } from 'node:test';
import type { Bundle, Subscription } from 'fhir/r4.js';
import { buildApp } from '../server/src/app.js';
import { loadConfig } from '../server/src/config.js';
import type { HookReceiver, Received } from './support/hook-receiver.js';
import {
  eventNumber,
  notifications,
  pain,
  param,
  statusOf,
  subscription,
  waitForStatus,
  RECEIVING,
  withReceiver,
} from './support/subscriptions.js';
import { FHIR_JSON, startTestServer, type TestServer } from './support/test-server.js';

const CRITERIA = 'Observation?code=http://loinc.org|72514-3&value-quantity=gt8';
const FAST = { ...RECEIVING, SUBSCRIPTION_RETRY_BASE_MS: '20', SUBSCRIPTION_MAX_ATTEMPTS: '3' };

describe('rest-hook Subscriptions', () => {
  let server: TestServer;
  let receiver: HookReceiver;
  const post = (path: string, body: unknown) =>
    server.http
      .post(`/fhir/${path}`)
      .set('Content-Type', FHIR_JSON)
      .send(body as object);

  withReceiver(
    () => startTestServer(FAST),
    (started, r) => {
      server = started;
      receiver = r;
    },
  );

  const subscribe = async (content: 'empty' | 'id-only' | 'full-resource', extra: Partial<Subscription> = {}) => {
    const at = receiver.received.length;
    const res = await post('Subscription', subscription(receiver.url + `/${content}`, content, extra));
    assert.equal(res.status, 201, res.text);
    assert.equal((res.body as Subscription).status, 'requested');
    await waitForStatus(server, res.body.id, 'active');
    const handshake = receiver.received.slice(at).find((r) => r.path.endsWith(`/${content}`))!;
    return { id: res.body.id as string, handshake };
  };

  it('handshakes, then sends each matching Observation in full with the channel headers, numbered per subscription', async () => {
    const { id, handshake } = await subscribe('full-resource', {
      channel: { type: 'rest-hook', header: ['Authorization: Bearer receiver-secret', 'X-Tenant: clinic-7'] },
    });
    assert.equal(handshake.method, 'POST');
    assert.equal(handshake.headers.authorization, 'Bearer receiver-secret');
    assert.equal(handshake.headers['x-tenant'], 'clinic-7');
    assert.equal(param(statusOf(handshake), 'type')?.valueCode, 'handshake');
    for (const value of [3, 9, 8, 10]) assert.equal((await post('Observation', pain('p1', value))).status, 201);
    const mine = (rs: Received[]) => notifications(rs).filter((r) => r.path.endsWith('/full-resource'));
    await receiver.until((rs) => mine(rs).length >= 2);
    const got = mine(receiver.received);
    assert.deepEqual(got.map(eventNumber), [1, 2]);
    const values = got.map((r) => ((r.json as Bundle).entry![1].resource as { valueQuantity: { value: number } }).valueQuantity.value);
    assert.deepEqual(values, [9, 10], 'only scores above 8, as the criteria search says');
    assert.equal(got[0].headers['content-type'], 'application/fhir+json');
    assert.equal(got[0].headers.authorization, 'Bearer receiver-secret');
    assert.equal(param(statusOf(got[0]), 'subscription')?.valueReference?.reference, `http://localhost:8080/fhir/Subscription/${id}`);
  });

  it('id-only sends the focus reference without the resource; empty sends a POST without a body', async () => {
    await subscribe('id-only');
    await subscribe('empty');
    const obs = await post('Observation', pain('p2', 9));
    await receiver.until(
      (rs) =>
        rs.some((r) => r.path.endsWith('/empty') && r.body === '' && rs.indexOf(r) > 0) &&
        notifications(rs).some((r) => r.path.endsWith('/id-only')),
    );
    const idOnly = notifications(receiver.received).find((r) => r.path.endsWith('/id-only'))!;
    const focus = (idOnly.json as Bundle).entry![1];
    assert.equal(focus.fullUrl, `http://localhost:8080/fhir/Observation/${obs.body.id}`);
    assert.equal(focus.resource, undefined);
    const empties = receiver.received.filter((r) => r.path.endsWith('/empty'));
    assert.ok(
      empties.every((r) => r.body === '' && r.headers['content-type'] === undefined),
      'an empty payload sends no body',
    );
  });

  it('a receiver that keeps failing puts the Subscription in error, with the reason, after the documented number of attempts', async () => {
    receiver.status = 500;
    try {
      const at = receiver.received.length;
      const res = await post('Subscription', subscription(receiver.url + '/failing', 'id-only'));
      assert.equal(res.status, 201, res.text);
      const failed = await waitForStatus(server, res.body.id, 'error');
      assert.match(failed.error ?? '', /handshake failed: the endpoint answered 500 \(after 3 attempts\)/);
      assert.equal(receiver.received.slice(at).filter((r) => r.path.endsWith('/failing')).length, 3);
    } finally {
      receiver.status = 200;
    }
  });

  it("the pain-severe topic of the FibroTrack IG, filtered by patient, sends that patient's scores above 8 only", async () => {
    const topic = 'https://fhir.fibrotrack.org/SubscriptionTopic/pain-severe';
    const filtered = (filter: string) => ({
      ...subscription(receiver.url + '/topic', 'id-only'),
      criteria: topic,
      _criteria: {
        extension: [
          { url: 'http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition/backport-filter-criteria', valueString: filter },
        ],
      },
    });
    const refused = await post('Subscription', filtered('Observation?code=http://loinc.org|1234-5'));
    assert.equal(refused.status, 422, refused.text);
    assert.match(
      refused.body.issue[0].diagnostics,
      /can be filtered by patient, value-quantity, general-practitioner, care-team, not 'code'/,
    );
    const res = await post('Subscription', filtered('Observation?patient=Patient/t1'));
    assert.equal(res.status, 201, res.text);
    await waitForStatus(server, res.body.id, 'active');
    const other = await post('Observation', pain('t2', 10));
    const low = await post('Observation', pain('t1', 7));
    const high = await post('Observation', pain('t1', 9));
    const mine = (rs: Received[]) => notifications(rs).filter((r) => r.path.endsWith('/topic'));
    await receiver.until((rs) => mine(rs).length >= 1);
    const first = mine(receiver.received)[0];
    assert.equal(eventNumber(first), 1);
    assert.equal(param(statusOf(first), 'topic')?.valueCanonical, topic);
    assert.equal((first.json as Bundle).entry![1].fullUrl, `http://localhost:8080/fhir/Observation/${high.body.id}`);
    assert.ok(![other.body.id, low.body.id].some((id) => receiver.received.some((r) => r.path.endsWith('/topic') && r.body.includes(id))));
  });

  it('refuses criteria that are no search, unsupported channels and endpoints on private addresses', async () => {
    const bad = await post('Subscription', { ...subscription(receiver.url), criteria: 'Observation?nonsense=1' });
    assert.equal(bad.status, 400, bad.text);
    assert.match(bad.body.issue[0].diagnostics, /nonsense/);
    const email = await post('Subscription', subscription(receiver.url, undefined, { channel: { type: 'email' } }));
    assert.equal(email.status, 400, email.text);
    assert.match(email.body.issue[0].diagnostics, /channel.type 'email'/);
    const lan = await post('Subscription', subscription('https://10.1.2.3/hook'));
    assert.equal(lan.status, 422, lan.text);
    assert.match(lan.body.issue[0].diagnostics, /private or special-use address/);
    const plain = await post('Subscription', subscription('http://93.184.216.34/hook'));
    assert.equal(plain.status, 422, plain.text);
    assert.match(plain.body.issue[0].diagnostics, /must use https/);
  });

  it('an event committed while no delivery loop runs is kept and delivered once a loop starts again', async () => {
    await subscribe('full-resource');
    await server.built.deliveryLoop.stop();
    const at = receiver.received.length;
    const obs = await post('Observation', pain('p3', 10));
    assert.equal(obs.status, 201);
    const [row] = await server.sql<{ n: number }[]>(
      'SELECT COUNT(*) AS n FROM subscription_event WHERE res_id = ? AND delivered_at IS NULL',
      [obs.body.id],
    );
    assert.ok(Number(row.n) >= 1, 'the event is in the outbox, committed with the Observation');
    assert.equal(receiver.received.length, at);
    server.built.deliveryLoop.start();
    await receiver.until((rs) => notifications(rs.slice(at)).some((r) => (r.json as Bundle).entry![1].fullUrl?.endsWith(obs.body.id)));
    for (const end = Date.now() + 15_000; ;) {
      const [left] = await server.sql<{ n: number }[]>(
        'SELECT COUNT(*) AS n FROM subscription_event WHERE res_id = ? AND delivered_at IS NULL',
        [obs.body.id],
      );
      if (Number(left.n) === 0) break;
      assert.ok(Date.now() < end, 'the outbox rows are marked delivered');
      await new Promise((r) => setTimeout(r, 25));
    }
  });

  it('two server nodes on one database deliver each event once', async () => {
    const second = await buildApp(
      loadConfig({
        DATABASE_URL: `${process.env.TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306'}/${server.database}`,
        BASE_URL: 'http://localhost:8080',
        AUTH_MODE: 'open',
        ...FAST,
      }),
    );
    try {
      const { id } = await subscribe('id-only');
      const at = receiver.received.length;
      const created = await Promise.all(Array.from({ length: 12 }, (_, i) => post('Observation', pain(`n${i % 3}`, 9))));
      for (const c of created) assert.equal(c.status, 201);
      const ours = (rs: Received[]) =>
        notifications(rs.slice(at)).filter((r) => param(statusOf(r), 'subscription')?.valueReference?.reference?.endsWith(id));
      await receiver.until((rs) => ours(rs).length >= 12);
      await new Promise((r) => setTimeout(r, 300)); // room for a duplicate to arrive, were there one
      const numbers = ours(receiver.received)
        .map(eventNumber)
        .sort((a, b) => a - b);
      assert.deepEqual(
        numbers,
        Array.from({ length: 12 }, (_, i) => i + 1),
      );
    } finally {
      await second.close();
    }
  });

  it("a write's events wake another node's delivery loop at once (Redis pub/sub), not at its next poll", async () => {
    const { id } = await subscribe('id-only');
    // The writing node delivers nothing; the other one polls once in ten minutes.
    await server.built.deliveryLoop.stop();
    const deliverer = await buildApp(
      loadConfig({
        DATABASE_URL: `${process.env.TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306'}/${server.database}`,
        BASE_URL: 'http://localhost:8080',
        AUTH_MODE: 'open',
        REDIS_PREFIX: `${server.database}:`, // the first node's (test-server.ts)
        ...FAST,
        SUBSCRIPTION_POLL_MS: '600000',
      }),
    );
    try {
      await new Promise((r) => setTimeout(r, 500)); // its first look for work is over: it waits for the poll now
      const at = receiver.received.length;
      const obs = await post('Observation', pain('woken', 9));
      assert.equal(obs.status, 201);
      const ours = (rs: Received[]) =>
        notifications(rs.slice(at)).filter((r) => param(statusOf(r), 'subscription')?.valueReference?.reference?.endsWith(id));
      const [n] = await receiver.until((rs) => ours(rs).length >= 1, 20_000).then(ours);
      assert.ok((n.json as Bundle).entry![1].fullUrl?.endsWith(`Observation/${obs.body.id}`));
    } finally {
      await deliverer.close();
      server.built.deliveryLoop.start();
    }
  });

  it('npx fibrotrack subscriptions list shows each one with its backlog; remove stops one', async () => {
    const run = promisify(execFile);
    const bin = join(import.meta.dirname, '..', 'bin', 'fibrotrack.js');
    const env = {
      ...process.env,
      AUTH_MODE: 'open',
      DATABASE_URL: `${process.env.TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306'}/${server.database}`,
    };
    const { id } = await subscribe('id-only');
    const listed = (await run(process.execPath, [bin, 'subscriptions', 'list'], { env })).stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const mine = listed.find((l) => l.id === id);
    assert.deepEqual(
      { ...mine, events: undefined },
      { id, status: 'active', criteria: CRITERIA, events: undefined, pending: 0, failures: 0 },
    );
    assert.ok(
      listed.some((l) => l.status === 'error'),
      'the failing one is listed in error',
    );
    const removed = await run(process.execPath, [bin, 'subscriptions', 'remove', id], { env });
    assert.match(removed.stdout, new RegExp(`Removed Subscription/${id}`));
    assert.equal((await server.http.get(`/fhir/Subscription/${id}`)).status, 410);
    const after = (await run(process.execPath, [bin, 'subscriptions', 'list'], { env })).stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    assert.equal(after.find((l) => l.id === id)?.status, 'off');
    await assert.rejects(
      run(process.execPath, [bin, 'subscriptions', 'remove', 'nope'], { env }),
      (err: { code: number; stderr: string }) => err.code === 1 && /No Subscription\/nope/.test(err.stderr),
    );
    await assert.rejects(run(process.execPath, [bin, 'subscriptions', 'frob'], { env }), (err: { code: number }) => err.code === 2);
  });
});
