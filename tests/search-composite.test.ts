// Composite parameters match component values on the same element, not anywhere in the resource.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { painScore, patient } from './support/fixtures.js';
import { FHIR_JSON, startTestServer, type TestServer } from './support/test-server.js';

let s: TestServer;
const ids: Record<string, string> = {};
const LOINC = 'http://loinc.org';
const bp = (systolic: number, diastolic: number, unit = 'mm[Hg]', value = systolic) => ({
  resourceType: 'Observation',
  status: 'final',
  code: { coding: [{ system: LOINC, code: '85354-9' }] },
  component: [
    { code: { coding: [{ system: LOINC, code: '8480-6' }] }, valueQuantity: { value, system: 'http://unitsofmeasure.org', code: unit } },
    {
      code: { coding: [{ system: LOINC, code: '8462-4' }] },
      valueQuantity: { value: diastolic, system: 'http://unitsofmeasure.org', code: 'mm[Hg]' },
    },
  ],
});
const post = async (body: unknown) =>
  (await s.http.post('/fhir/Observation').set('Content-Type', FHIR_JSON).send(JSON.stringify(body))).body.id as string;
const found = async (query: string) => {
  const res = await s.http.get(`/fhir/Observation?${query}`);
  assert.equal(res.status, 200, res.text);
  return res.body.entry.map((e: { resource: { id: string } }) => e.resource.id).sort();
};

before(async () => {
  s = await startTestServer();
  const p = (await s.http.post('/fhir/Patient').set('Content-Type', FHIR_JSON).send(JSON.stringify(patient()))).body.id;
  ids.high = await post(bp(140, 90));
  ids.crossed = await post(bp(120, 135));
  ids.pain9 = await post(painScore(`Patient/${p}`, 9));
  ids.pain3 = await post(painScore(`Patient/${p}`, 3));
  ids.kPa = await post(bp(140, 90, 'kPa', 18.7)); // 18.7 kPa is 140.3 mm[Hg]
  const dated = (value: object) => ({
    resourceType: 'Observation',
    status: 'final',
    code: { coding: [{ system: LOINC, code: '21112-8' }] },
    ...value,
  });
  ids.born = await post(dated({ valueDateTime: '1990-04-02' }));
  ids.spell = await post(dated({ valuePeriod: { start: '2024-01-10', end: '2024-01-20' } }));
});
after(async () => {
  await s.close();
});

test("component-code-value-quantity pairs a component's code with that component's value", async () => {
  assert.deepEqual(await found(`component-code-value-quantity=${LOINC}|8480-6$gt130`), [ids.high]);
  assert.deepEqual(await found('component-code-value-quantity=8462-4$gt100'), [ids.crossed]);
  assert.deepEqual(
    await found('component-code-value-quantity=8480-6$gt100|http://unitsofmeasure.org|mm[Hg]'),
    [ids.high, ids.crossed, ids.kPa].sort(),
  );
});

test('a UCUM quantity component compares in canonical units: kPa and mm[Hg] are one scale', async () => {
  // 18.7 kPa = 140.26 mm[Hg]: above 140 and below 141 mm[Hg]; 140 mm[Hg] = 18.67 kPa.
  assert.deepEqual(await found('component-code-value-quantity=8480-6$gt140|http://unitsofmeasure.org|mm[Hg]'), [ids.kPa]);
  assert.deepEqual(
    await found(
      'component-code-value-quantity=8480-6$lt141|http://unitsofmeasure.org|mm[Hg]&component-code-value-quantity=8480-6$gt139|http://unitsofmeasure.org|mm[Hg]',
    ),
    [ids.high, ids.kPa].sort(),
  );
  assert.deepEqual(await found('component-code-value-quantity=8480-6$ge18.6|http://unitsofmeasure.org|kPa'), [ids.high, ids.kPa].sort());
  // A unit that does not convert to pressure matches nothing; without a system the code compares as written.
  assert.deepEqual(await found('component-code-value-quantity=8480-6$gt1|http://unitsofmeasure.org|kg'), []);
  assert.deepEqual(await found('component-code-value-quantity=8480-6$gt18||kPa'), [ids.kPa]);
});

test('code-value-quantity on the Observation itself: pain scores of 8 or more', async () => {
  assert.deepEqual(await found(`code-value-quantity=${LOINC}|72514-3$ge8`), [ids.pain9]);
  assert.deepEqual(await found('code-value-quantity=72514-3$lt5,72514-3$gt8'), [ids.pain3, ids.pain9].sort());
});

test('code-value-date pairs the code with a dateTime value or a Period value', async () => {
  assert.deepEqual(await found(`code-value-date=${LOINC}|21112-8$1990-04-02`), [ids.born]);
  assert.deepEqual(await found('code-value-date=21112-8$lt2000'), [ids.born]);
  assert.deepEqual(await found('code-value-date=21112-8$2024-01-15'), []);
  assert.deepEqual(await found('code-value-date=21112-8$ge2024-01-15'), [ids.spell]);
  assert.deepEqual(await found('code-value-date=8480-6$lt2000'), []);
});

test('combo-code-value-quantity looks at the Observation and at its components', async () => {
  assert.deepEqual(await found('combo-code-value-quantity=8480-6$ge140'), [ids.high]);
  assert.deepEqual(await found('combo-code-value-quantity=72514-3$9'), [ids.pain9]);
});

test('composite rows follow updates and deletes', async () => {
  const obs = (await s.http.get(`/fhir/Observation/${ids.high}`)).body;
  obs.component[0].valueQuantity.value = 110;
  await s.http.put(`/fhir/Observation/${ids.high}`).set('Content-Type', FHIR_JSON).send(JSON.stringify(obs));
  assert.deepEqual(await found('component-code-value-quantity=8480-6$gt130'), []);
  await s.http.delete(`/fhir/Observation/${ids.crossed}`);
  assert.deepEqual(await found('component-code-value-quantity=8462-4$gt100'), []);
});

test('a value without its $ parts is 400 naming the parameter', async () => {
  const res = await s.http.get('/fhir/Observation?code-value-quantity=72514-3');
  assert.equal(res.status, 400);
  assert.deepEqual(res.body.issue[0].expression, ['code-value-quantity']);
});
