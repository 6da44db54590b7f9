// Every date, dateTime, instant and time must be a real calendar value, on write and in search values:
// 2026-02-30 was stored as 2026-03-02 (issue 15, item 8).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { FHIR_JSON, startTestServer, type TestServer } from './support/test-server.js';

let s: TestServer;
let patientId: string;

before(async () => {
  s = await startTestServer();
  patientId = (await post({ resourceType: 'Patient', birthDate: '2024-02-29' })).body.id;
});
after(async () => {
  await s.close();
});

const post = (body: object) =>
  s.http
    .post(`/fhir/${(body as { resourceType: string }).resourceType}`)
    .set('Content-Type', FHIR_JSON)
    .send(body);
const observation = (extra: object) => ({
  resourceType: 'Observation',
  status: 'final',
  code: { text: 'pain' },
  subject: { reference: `Patient/${patientId}` },
  ...extra,
});

/** A refused write: 400 with an issue at `expression` saying what is wrong. */
function assertRefused(
  res: { status: number; body: { issue?: { expression?: string[]; diagnostics?: string }[] } },
  expression: string,
  says: RegExp,
) {
  assert.equal(res.status, 400, JSON.stringify(res.body));
  const found = res.body.issue?.find((i) => i.expression?.[0] === expression);
  assert.ok(found, `an issue at ${expression}: ${JSON.stringify(res.body)}`);
  assert.match(found.diagnostics!, says);
}

test('impossible days are refused on create, with the reason', async () => {
  assertRefused(
    await post({ resourceType: 'Patient', birthDate: '2026-02-30' }),
    'Patient.birthDate',
    /'2026-02-30' is not a real date: .*February 2026 has 28 days/,
  );
  assertRefused(await post({ resourceType: 'Patient', birthDate: '2023-02-29' }), 'Patient.birthDate', /February 2023 has 28 days/);
  assertRefused(await post({ resourceType: 'Patient', birthDate: '1900-02-29' }), 'Patient.birthDate', /February 1900 has 28 days/);
  assertRefused(await post({ resourceType: 'Patient', birthDate: '2026-04-31' }), 'Patient.birthDate', /April 2026 has 30 days/);
  assertRefused(
    await post(observation({ effectiveDateTime: '2026-06-31T10:00:00Z' })),
    'Observation.effectiveDateTime',
    /June 2026 has 30 days/,
  );
  assertRefused(await post(observation({ issued: '2026-11-31T10:00:00+01:00' })), 'Observation.issued', /not a real instant/);
  assertRefused(
    await post(observation({ effectivePeriod: { start: '2026-09-31' } })),
    'Observation.effectivePeriod.start',
    /September 2026 has 30 days/,
  );
  // Leap days of leap years (2000 is one; 1900 above is not) are real.
  assert.equal((await post({ resourceType: 'Patient', birthDate: '2000-02-29' })).status, 201);
});

test('hours, minutes, seconds and offsets out of range are refused; a leap second and +/-14:00 are accepted', async () => {
  for (const [value, says] of [
    ['2026-01-01T24:00:00Z', /format/],
    ['2026-01-01T10:60:00Z', /format/],
    ['2026-01-01T10:00:61Z', /format/],
    ['2026-01-01T10:00:00+14:30', /format/],
    ['2026-01-01T10:00:00-15:00', /format/],
  ] as const) {
    assertRefused(await post(observation({ effectiveDateTime: value })), 'Observation.effectiveDateTime', says);
  }
  assertRefused(await post(observation({ valueTime: '24:00:00' })), 'Observation.valueTime', /format/);
  for (const value of ['2016-12-31T23:59:60Z', '2026-01-01T10:00:00+14:00', '2026-01-01T10:00:00-14:00']) {
    assert.equal((await post(observation({ effectiveDateTime: value }))).status, 201, value);
  }
  assert.equal((await post(observation({ valueTime: '23:59:60' }))).status, 201);
});

test('update, transaction and patch refuse impossible dates too, and nothing is stored', async () => {
  assertRefused(
    await s.http
      .put(`/fhir/Patient/${patientId}`)
      .set('Content-Type', FHIR_JSON)
      .send({ resourceType: 'Patient', id: patientId, birthDate: '2026-02-30' }),
    'Patient.birthDate',
    /February 2026 has 28 days/,
  );
  const tx = await s.http
    .post('/fhir')
    .set('Content-Type', FHIR_JSON)
    .send({
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [
        {
          request: { method: 'POST', url: 'Patient' },
          resource: { resourceType: 'Patient', name: [{ family: 'Tx' }], birthDate: '2025-02-29' },
        },
      ],
    });
  assert.ok(tx.status === 400 || tx.status === 422, JSON.stringify(tx.body));
  assert.match(JSON.stringify(tx.body), /February 2025 has 28 days/);
  const patch = await s.http
    .patch(`/fhir/Patient/${patientId}`)
    .set('Content-Type', 'application/json-patch+json')
    .send([{ op: 'replace', path: '/birthDate', value: '2026-02-30' }]);
  assert.ok(patch.status === 400 || patch.status === 422, JSON.stringify(patch.body));
  assert.match(JSON.stringify(patch.body), /February 2026 has 28 days/);
  assert.equal((await s.http.get(`/fhir/Patient/${patientId}`)).body.birthDate, '2024-02-29');
  // The impossible day was never indexed as the day it rolls over to.
  assert.equal((await s.http.get('/fhir/Patient?birthdate=2026-03-02')).body.total, 0);
  assert.equal((await s.http.get('/fhir/Patient?family=Tx')).body.total, 0);
});

test('search values that name no real day or time are 400 naming the parameter', async () => {
  for (const [query, parameter, says] of [
    ['birthdate=2026-02-30', 'birthdate', /'2026-02-30' is not a real date: it has day 30, but February 2026 has 28 days/],
    ['birthdate=ge2023-02-29', 'birthdate', /February 2023 has 28 days/],
    ['birthdate=2026-13', 'birthdate', /month 13/],
    ['_lastUpdated=gt2026-04-31', '_lastUpdated', /April 2026 has 30 days/],
    ['general-practitioner:Practitioner._lastUpdated=2026-02-30', 'general-practitioner:Practitioner._lastUpdated', /February 2026/],
    ['_has:Observation:subject:date=2026-01-01T24:00:00Z', '_has:Observation:subject:date', /hour 24/],
    ['_has:Observation:subject:date=2026-01-01T10:60Z', '_has:Observation:subject:date', /minute 60/],
    ['_has:Observation:subject:date=2026-01-01T10:00:61Z', '_has:Observation:subject:date', /second 61/],
    ['_has:Observation:subject:date=2026-01-01T10:00:00%2B14:30', '_has:Observation:subject:date', /offset \+14:30/],
    ['_has:Observation:subject:date=lt2026-01-01T10:00:00-15:00', '_has:Observation:subject:date', /offset -15:00/],
    ['birthdate=yesterday', 'birthdate', /not a valid date/],
  ] as const) {
    const res = await s.http.get(`/fhir/Patient?${query}`);
    assert.equal(res.status, 400, `${query}: ${res.text}`);
    assert.deepEqual(res.body.issue[0].expression, [parameter], query);
    assert.match(res.body.issue[0].diagnostics, says, query);
    assert.match(res.body.issue[0].diagnostics, new RegExp(`^Search parameter '${parameter.replace(/[.]/g, '\\.')}'`), query);
  }
  const at = await s.http.get(`/fhir/Patient/${patientId}/_history?_since=2026-02-30`);
  assert.equal(at.status, 400, at.text);
  assert.deepEqual(at.body.issue[0].expression, ['_since']);
});

test('real dates at the edges search as themselves', async () => {
  assert.equal((await s.http.get('/fhir/Patient?birthdate=2024-02-29')).body.total, 1);
  assert.equal((await s.http.get('/fhir/Observation?date=2016-12-31T23:59:60Z')).body.total, 1);
  assert.equal((await s.http.get(`/fhir/Observation?date=${encodeURIComponent('2026-01-01T10:00:00+14:00')}`)).body.total, 1);
  assert.equal((await s.http.get('/fhir/Patient?birthdate=ge2000-02-29&birthdate=le2000-02-29')).body.total, 1);
});
