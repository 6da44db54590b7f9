// Observation/$lastn: the latest pain score and vitals per code in one call.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { painScore, patient } from './support/fixtures.js';
import { FHIR_JSON, startTestServer, type TestServer } from './support/test-server.js';

let s: TestServer;
let ann = '';
const post = async (type: string, body: unknown) =>
  (await s.http.post(`/fhir/${type}`).set('Content-Type', FHIR_JSON).send(JSON.stringify(body))).body.id as string;
const heartRate = (subject: string, bpm: number, when: string) => ({
  resourceType: 'Observation',
  status: 'final',
  category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'vital-signs' }] }],
  code: { coding: [{ system: 'http://loinc.org', code: '8867-4' }] },
  subject: { reference: subject },
  effectiveDateTime: when,
  valueQuantity: { value: bpm, unit: '/min', system: 'http://unitsofmeasure.org', code: '/min' },
});

before(async () => {
  s = await startTestServer();
  ann = await post('Patient', patient());
  const bob = await post('Patient', patient());
  for (const [day, score] of [
    [3, 4],
    [1, 2],
    [5, 9],
    [4, 6],
    [2, 3],
  ])
    await post('Observation', painScore(`Patient/${ann}`, score, `2026-11-0${day}T08:00:00Z`));
  for (const [day, bpm] of [
    [1, 61],
    [3, 72],
    [2, 65],
  ])
    await post('Observation', heartRate(`Patient/${ann}`, bpm, `2026-11-0${day}T07:00:00Z`));
  await post('Observation', painScore(`Patient/${bob}`, 10, '2026-11-09T08:00:00Z'));
});
after(async () => {
  await s.close();
});

const values = async (query: string) => {
  const res = await s.http.get(`/fhir/Observation/$lastn?${query}`);
  assert.equal(res.status, 200, res.text);
  return res.body.entry.map(
    (e: { resource: { code: { coding: { code: string }[] }; valueQuantity: { value: number } } }) =>
      `${e.resource.code.coding[0].code}=${e.resource.valueQuantity.value}`,
  );
};

test('max defaults to 1: the latest pain score of this patient only', async () => {
  assert.deepEqual(await values(`patient=${ann}&category=survey`), ['72514-3=9']);
});

test('max=3 over two codes: three newest of each, newest first', async () => {
  assert.deepEqual(await values(`patient=${ann}&code=72514-3,8867-4&max=3`), [
    '72514-3=9',
    '72514-3=6',
    '72514-3=4',
    '8867-4=72',
    '8867-4=65',
    '8867-4=61',
  ]);
});

test('other search parameters still filter: a date range', async () => {
  assert.deepEqual(await values(`subject=Patient/${ann}&category=survey&date=le2026-11-03&max=2`), ['72514-3=4', '72514-3=3']);
});

test('a subject and a category or code are required; max must be a positive whole number', async () => {
  assert.equal((await s.http.get('/fhir/Observation/$lastn?category=survey')).status, 400);
  assert.equal((await s.http.get(`/fhir/Observation/$lastn?patient=${ann}`)).status, 400);
  assert.equal((await s.http.get(`/fhir/Observation/$lastn?patient=${ann}&category=survey&max=0`)).status, 400);
  assert.equal((await s.http.get('/fhir/Patient/$lastn')).status, 404);
});

test('the CapabilityStatement lists $lastn on Observation', async () => {
  const cap = (await s.http.get('/fhir/metadata')).body;
  const obs = cap.rest[0].resource.find((r: { type: string }) => r.type === 'Observation');
  assert.deepEqual(
    obs.operation.filter((o: { name: string }) => o.name === 'lastn'),
    [{ name: 'lastn', definition: 'http://hl7.org/fhir/OperationDefinition/Observation-lastn' }],
  );
});
