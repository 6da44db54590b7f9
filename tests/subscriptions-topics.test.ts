// The computed topics of the FibroTrack IG through HTTP against MariaDB with a real receiver: pain-rising (7-day
// mean of pain scores up by >= 2 over the 7 days before) and wearable-anomaly (a resting heart rate more than
// 2 SD from the mean of the previous 28 days, given 14 values), evaluated on write in the outbox transaction; and
// pain-severe's threshold set by a value-quantity filter, and its filters by the patient's general practitioner
// and care team. Each notification carries the Observation and names
// the Patient (additional-context). https://hl7.org/fhir/uv/subscriptions-backport/STU1.1/components.html#subscription-topics
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Bundle, Observation, Parameters } from 'fhir/r4.js';
import type { HookReceiver, Received } from './support/hook-receiver.js';
import {
  notifications,
  pain,
  param,
  statusOf,
  topicSubscription,
  waitForStatus,
  RECEIVING,
  withReceiver,
} from './support/subscriptions.js';
import { FHIR_JSON, startTestServer, type TestServer } from './support/test-server.js';

const DAY = 86_400_000;
const NOW = Date.parse('2026-12-01T10:00:00Z');
const at = (days: number) => new Date(NOW + days * DAY).toISOString();

const scoreAt = (patient: string, value: number, days: number) => ({ ...pain(patient, value), effectiveDateTime: at(days) });
const restingHeartRate = (patient: string, value: number, days: number) => ({
  resourceType: 'Observation',
  status: 'final',
  category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'vital-signs' }] }],
  code: { coding: [{ system: 'http://loinc.org', code: '40443-4' }] },
  subject: { reference: `Patient/${patient}` },
  effectiveDateTime: at(days),
  valueQuantity: { value, unit: '/min', system: 'http://unitsofmeasure.org', code: '/min' },
});

describe('Subscription topics pain-rising, wearable-anomaly, and pain-severe thresholds', () => {
  let server: TestServer;
  let receiver: HookReceiver;
  withReceiver(
    () => startTestServer(RECEIVING),
    (started, r) => {
      server = started;
      receiver = r;
    },
  );

  const subscribe = async (path: string, topic: string, filters: string[]) => {
    const res = await server.http
      .post('/fhir/Subscription')
      .set('Content-Type', FHIR_JSON)
      .send(topicSubscription(receiver.url + path, topic, filters));
    assert.equal(res.status, 201, res.text);
    await waitForStatus(server, res.body.id, 'active');
    return res.body.id as string;
  };
  const write = async (resource: object) => {
    const res = await server.http.post('/fhir/Observation').set('Content-Type', FHIR_JSON).send(resource);
    assert.equal(res.status, 201, res.text);
    return res.body as Observation;
  };
  /** Events recorded so far: the outbox records in the write's transaction, so this is exact after a 201. */
  const recorded = async (id: string) => {
    const res = await server.http.get(`/fhir/Subscription/${id}/$status`);
    const status = (res.body as Bundle).entry![0].resource as Parameters;
    return Number(param(status, 'events-since-subscription-start')!.valueString);
  };
  const on = (path: string) => (rs: Received[]) => notifications(rs).filter((r) => r.path.endsWith(path));
  const focusOf = (r: Received) => (r.json as Bundle).entry![1].resource as Observation;
  const contextOf = (r: Received) =>
    param(statusOf(r), 'notification-event')!.part!.find((p) => p.name === 'additional-context')?.valueReference?.reference;

  it('pain-rising: one notification when the 7-day mean rises by 2 over the week before, none while it stays up', async () => {
    const id = await subscribe('/rising', 'pain-rising', ['Observation?patient=Patient/rise']);
    await write(scoreAt('rise', 3, -10));
    await write(scoreAt('rise', 4, -9));
    await write(scoreAt('rise', 4, -3)); // mean 4 vs 3.5: not yet
    await write(scoreAt('steady', 9, 0)); // another patient: filtered out
    assert.equal(await recorded(id), 0);
    const rising = await write(scoreAt('rise', 8, 0)); // mean 6 vs 3.5: up by 2.5
    assert.equal(await recorded(id), 1);
    await write(scoreAt('rise', 8, 0.1)); // still up: the rise began already
    assert.equal(await recorded(id), 1);
    const [n] = await receiver.until((rs) => on('/rising')(rs).length >= 1).then(on('/rising'));
    assert.equal(focusOf(n).id, rising.id);
    assert.equal(contextOf(n), 'http://localhost:8080/fhir/Patient/rise');
  });

  it('wearable-anomaly: a resting heart rate outside mean +- 2 SD of the previous 28 days, once 14 values exist', async () => {
    const id = await subscribe('/anomaly', 'wearable-anomaly', []);
    for (let day = -14; day < 0; day++) await write(restingHeartRate('hr', day % 2 === 0 ? 58 : 62, day)); // mean 60, SD ~2.08
    await write(restingHeartRate('hr', 63, 0)); // within 60 +- 4.2
    for (let day = -13; day < 0; day++) await write(restingHeartRate('new', 60, day)); // 13 values: no usual range yet
    await write(restingHeartRate('new', 90, 0));
    assert.equal(await recorded(id), 0);
    const high = await write(restingHeartRate('hr', 66, 0.5)); // baseline now holds 63 too; 66 is outside
    assert.equal(await recorded(id), 1);
    const [n] = await receiver.until((rs) => on('/anomaly')(rs).length >= 1).then(on('/anomaly'));
    assert.equal(focusOf(n).id, high.id);
    assert.equal(contextOf(n), 'http://localhost:8080/fhir/Patient/hr');
  });

  it('pain-severe: a value-quantity filter replaces the default threshold of 8', async () => {
    const lower = await subscribe('/gt6', 'pain-severe', ['Observation?value-quantity=gt6']);
    const plain = await subscribe('/gt8', 'pain-severe', []);
    const seven = await write(scoreAt('thr', 7, 0));
    assert.deepEqual([await recorded(lower), await recorded(plain)], [1, 0]);
    const [n] = await receiver.until((rs) => on('/gt6')(rs).length >= 1).then(on('/gt6'));
    assert.equal(focusOf(n).id, seven.id);
  });

  it("pain-severe: filters by the patient's general practitioner and by a member of the patient's care team", async () => {
    const put = async (resource: { resourceType: string; id: string }) => {
      const res = await server.http.put(`/fhir/${resource.resourceType}/${resource.id}`).set('Content-Type', FHIR_JSON).send(resource);
      assert.ok([200, 201].includes(res.status), res.text);
    };
    await put({ resourceType: 'Patient', id: 'gp-a', generalPractitioner: [{ reference: 'Practitioner/gp1' }] } as never);
    await put({ resourceType: 'Patient', id: 'gp-b', generalPractitioner: [{ reference: 'Practitioner/gp2' }] } as never);
    await put({ resourceType: 'Patient', id: 'team-c' });
    await put({
      resourceType: 'CareTeam',
      id: 'team-of-c',
      status: 'active',
      subject: { reference: 'Patient/team-c' },
      participant: [{ member: { reference: 'Practitioner/nurse1' } }, { member: { reference: 'Practitioner/gp2' } }],
    } as never);
    const gp1 = await subscribe('/gp1', 'pain-severe', ['Observation?general-practitioner=Practitioner/gp1']);
    const nurse = await subscribe('/nurse1', 'pain-severe', ['Observation?care-team=Practitioner/nurse1']);
    const gp2 = await subscribe('/gp2', 'pain-severe', ['Observation?general-practitioner=Practitioner/gp2&value-quantity=gt6']);
    const ofA = await write(scoreAt('gp-a', 9, 0));
    await write(scoreAt('gp-a', 5, 0)); // below the threshold
    const ofB = await write(scoreAt('gp-b', 7, 0));
    const ofC = await write(scoreAt('team-c', 10, 0));
    await write(scoreAt('nobody', 10, 0)); // no such patient: no practitioner, no care team
    assert.deepEqual([await recorded(gp1), await recorded(nurse), await recorded(gp2)], [1, 1, 1]);
    const focus = async (path: string) => focusOf((await receiver.until((rs) => on(path)(rs).length >= 1).then(on(path)))[0]).id;
    assert.equal(await focus('/gp1'), ofA.id);
    assert.equal(await focus('/nurse1'), ofC.id);
    assert.equal(await focus('/gp2'), ofB.id, "gp2 is team-c's care team member, not its general practitioner");
    // A new general practitioner counts from the next score on.
    await put({ resourceType: 'Patient', id: 'gp-b', generalPractitioner: [{ reference: 'Practitioner/gp1' }] } as never);
    await write(scoreAt('gp-b', 9, 0.1));
    assert.deepEqual([await recorded(gp1), await recorded(gp2)], [2, 1]);
    // A modifier on them is refused.
    const refused = await server.http
      .post('/fhir/Subscription')
      .set('Content-Type', FHIR_JSON)
      .send(topicSubscription(receiver.url, 'pain-severe', ['Observation?care-team:missing=true']));
    assert.equal(refused.status, 422, refused.text);
    assert.match(refused.body.issue[0].diagnostics, /'care-team' takes no modifier/);
  });

  it('a filter a topic does not offer is 422, naming the ones it does', async () => {
    const res = await server.http
      .post('/fhir/Subscription')
      .set('Content-Type', FHIR_JSON)
      .send(topicSubscription(receiver.url, 'pain-rising', ['Observation?value-quantity=gt6']));
    assert.equal(res.status, 422, res.text);
    assert.match(res.body.issue[0].diagnostics, /filtered by patient, not 'value-quantity'/);
  });
});
