// The Subscriptions R5 Backport surface, through HTTP against MariaDB: /metadata advertises it (instantiates the
// backport server CapabilityStatement, the websocket URL, the topics' canonical URLs, $status/$events), $status
// answers the subscription-status, $events replays what the outbox recorded as a notification-shaped Bundle.
// https://hl7.org/fhir/uv/subscriptions-backport/
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Bundle, CapabilityStatement, Observation, Parameters } from 'fhir/r4.js';
import type { HookReceiver } from './support/hook-receiver.js';
import { notifications, pain, param, subscription, waitForStatus, RECEIVING, withReceiver } from './support/subscriptions.js';
import { FHIR_JSON, startTestServer, type TestServer } from './support/test-server.js';

describe('Subscriptions R5 Backport: /metadata, $status, $events', () => {
  let server: TestServer;
  let receiver: HookReceiver;
  withReceiver(
    () => startTestServer(RECEIVING),
    (started, r) => {
      server = started;
      receiver = r;
    },
  );

  it('/metadata instantiates the backport, names the websocket URL, the topics and the Subscription operations', async () => {
    const cap = (await server.http.get('/fhir/metadata')).body as CapabilityStatement;
    assert.ok(
      cap.instantiates?.includes('http://hl7.org/fhir/uv/subscriptions-backport/CapabilityStatement/backport-subscription-server-r4'),
    );
    assert.deepEqual(cap.rest![0].extension, [
      { url: 'http://hl7.org/fhir/StructureDefinition/capabilitystatement-websocket', valueUrl: 'ws://localhost:8080/fhir/ws' },
    ]);
    const sub = cap.rest![0].resource!.find((r) => r.type === 'Subscription')!;
    assert.ok(sub.extension?.some((e) => e.valueCanonical === 'https://fhir.fibrotrack.org/SubscriptionTopic/pain-severe'));
    const ops = sub.operation!.map((o) => o.name);
    for (const name of ['status', 'events', 'get-ws-binding-token']) assert.ok(ops.includes(name), name);
  });

  it('$status tells status and event count; $events replays recorded events, first the subscription-status', async () => {
    const created = await server.http.post('/fhir/Subscription').set('Content-Type', FHIR_JSON).send(subscription(receiver.url, 'id-only'));
    assert.equal(created.status, 201, created.text);
    const id = created.body.id as string;
    await waitForStatus(server, id, 'active');
    const written = [];
    for (const value of [9, 10]) {
      const res = await server.http.post('/fhir/Observation').set('Content-Type', FHIR_JSON).send(pain('p1', value));
      written.push(res.body as Observation);
    }
    await receiver.until((rs) => notifications(rs).length >= 2);

    const status = await server.http.get(`/fhir/Subscription/${id}/$status`);
    assert.equal(status.status, 200, status.text);
    const statusBundle = status.body as Bundle;
    assert.equal(statusBundle.type, 'searchset');
    const p = statusBundle.entry![0].resource as Parameters;
    assert.equal(param(p, 'type')?.valueCode, 'query-status');
    assert.equal(param(p, 'status')?.valueCode, 'active');
    assert.equal(param(p, 'events-since-subscription-start')?.valueString, '2');

    const events = await server.http.get(`/fhir/Subscription/${id}/$events?eventsSinceNumber=2&content=full-resource`);
    assert.equal(events.status, 200, events.text);
    const bundle = events.body as Bundle;
    assert.equal(bundle.type, 'history');
    const head = bundle.entry![0].resource as Parameters;
    assert.equal(param(head, 'type')?.valueCode, 'query-event');
    const numbers = head
      .parameter!.filter((x) => x.name === 'notification-event')
      .map((x) => x.part!.find((y) => y.name === 'event-number')!.valueString);
    assert.deepEqual(numbers, ['2']);
    assert.equal((bundle.entry![1].resource as Observation).id, written[1].id);
    assert.equal((bundle.entry![1].resource as Observation).valueQuantity?.value, 10);

    const all = (await server.http.get(`/fhir/Subscription/${id}/$events`)).body as Bundle;
    assert.deepEqual(
      all.entry!.slice(1).map((e) => e.fullUrl),
      written.map((o) => `http://localhost:8080/fhir/Observation/${o.id}`),
    );
    assert.ok(
      all.entry!.slice(1).every((e) => e.resource === undefined),
      "id-only, the Subscription's own content",
    );
  });

  it('names the Patient an event is about only for our own Patients: a foreign URL names none, a long reference no 500', async () => {
    const created = await server.http
      .post('/fhir/Subscription')
      .set('Content-Type', FHIR_JSON)
      .send(subscription(receiver.url + '/context', 'id-only'));
    assert.equal(created.status, 201, created.text);
    const id = created.body.id as string;
    await waitForStatus(server, id, 'active');
    const subjects = [
      'http://localhost:8080/fhir/Patient/ours',
      'https://elsewhere.example/fhir/Patient/ours',
      `Patient/${'x'.repeat(140)}`,
    ];
    for (const reference of subjects) {
      const res = await server.http
        .post('/fhir/Observation')
        .set('Content-Type', FHIR_JSON)
        .send({ ...pain('ours', 9), subject: { reference } });
      assert.equal(res.status, 201, `${reference}: ${res.text}`);
    }
    const events = await server.http.get(`/fhir/Subscription/${id}/$events`);
    assert.equal(events.status, 200, events.text);
    const head = (events.body as Bundle).entry![0].resource as Parameters;
    const contexts = head
      .parameter!.filter((x) => x.name === 'notification-event')
      .map((x) => x.part!.find((y) => y.name === 'additional-context')?.valueReference?.reference);
    assert.deepEqual(contexts, ['http://localhost:8080/fhir/Patient/ours', undefined, undefined]);
  });

  it('refuses bad $events parameters and unknown Subscriptions', async () => {
    const created = await server.http.post('/fhir/Subscription').set('Content-Type', FHIR_JSON).send(subscription(receiver.url, 'id-only'));
    const bad = await server.http.get(`/fhir/Subscription/${created.body.id}/$events?content=everything`);
    assert.equal(bad.status, 400, bad.text);
    assert.match(bad.body.issue[0].diagnostics, /content must be empty, id-only or full-resource/);
    const since = await server.http.get(`/fhir/Subscription/${created.body.id}/$events?eventsSinceNumber=-1`);
    assert.equal(since.status, 400, since.text);
    assert.match(since.body.issue[0].diagnostics, /eventsSinceNumber/);
    assert.equal((await server.http.get('/fhir/Subscription/nope/$status')).status, 404);
    assert.equal((await server.http.get('/fhir/Subscription/nope/$events')).status, 404);
  });
});
