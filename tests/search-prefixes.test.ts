// Every prefix and modifier against hand-made fixtures whose expected results are written out.
// https://hl7.org/fhir/R4/search.html#prefix
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { FHIR_JSON, startTestServer, type TestServer } from './support/test-server.js';

let s: TestServer;
const label = new Map<string, string>();

const obs = (name: string, extra: Record<string, unknown>) => ({
  resourceType: 'Observation',
  status: 'final',
  meta: { tag: [{ system: 'urn:test', code: 'prefixes' }] },
  code: { coding: [{ system: 'http://loinc.org', code: '72514-3' }], text: `Pain ${name}` },
  ...extra,
});
const post = async (name: string, body: unknown) => {
  const res = await s.http
    .post(`/fhir/${(body as { resourceType: string }).resourceType}`)
    .set('Content-Type', FHIR_JSON)
    .send(JSON.stringify(body));
  assert.equal(res.status, 201, res.text);
  label.set(res.body.id, name);
};
const names = async (type: string, query: string) => {
  const res = await s.http.get(`/fhir/${type}?_tag=urn:test|prefixes&${query}`);
  assert.equal(res.status, 200, `${query}: ${res.text}`);
  return res.body.entry
    .map((e: { resource: { id: string } }) => label.get(e.resource.id))
    .sort()
    .join(',');
};

before(async () => {
  s = await startTestServer();
  // Dates: A an instant-ish time, B a ten-day period, C a month, D the day before the year.
  await post(
    'A',
    obs('A', {
      effectiveDateTime: '2026-01-15T10:00:00Z',
      valueQuantity: { value: 5, system: 'http://unitsofmeasure.org', code: '{score}' },
    }),
  );
  await post(
    'B',
    obs('B', {
      effectivePeriod: { start: '2026-01-10', end: '2026-01-20' },
      valueQuantity: { value: 5.4, system: 'http://unitsofmeasure.org', code: '{score}' },
    }),
  );
  await post(
    'C',
    obs('C', { effectiveDateTime: '2026-02', valueQuantity: { value: 6, system: 'http://unitsofmeasure.org', code: '{score}' } }),
  );
  await post(
    'D',
    obs('D', {
      effectiveDateTime: '2025-12-31',
      valueQuantity: { value: 10, unit: 'mm', system: 'http://unitsofmeasure.org', code: 'mm' },
    }),
  );
  await post('E', obs('E', { valueString: 'no date' }));
  for (const [name, p] of [
    ['r20', 0.2],
    ['r25', 0.25],
    ['r80', 0.8],
  ] as const) {
    await post(name, {
      resourceType: 'RiskAssessment',
      status: 'final',
      subject: { reference: 'Patient/x' },
      meta: { tag: [{ system: 'urn:test', code: 'prefixes' }] },
      prediction: [{ probabilityDecimal: p }],
    });
  }
  await post('Zoë', {
    resourceType: 'Patient',
    meta: { tag: [{ system: 'urn:test', code: 'prefixes' }] },
    name: [{ family: 'Müller-Lüdenscheidt', given: ['Zoë'] }],
    gender: 'female',
  });
  await post('Zoe', {
    resourceType: 'Patient',
    meta: { tag: [{ system: 'urn:test', code: 'prefixes' }] },
    name: [{ family: 'Muller', given: ['Zoe'] }],
  });
});
after(async () => {
  await s.close();
});

describe('date prefixes against 2026-01-15 (the whole day)', () => {
  const cases: [string, string][] = [
    ['date=2026-01-15', 'A'],
    ['date=eq2026-01-15', 'A'],
    ['date=ne2026-01-15', 'B,C,D'],
    ['date=gt2026-01-15', 'B,C'],
    ['date=lt2026-01-15', 'B,D'],
    ['date=ge2026-01-15', 'A,B,C'],
    ['date=le2026-01-15', 'A,B,D'],
    ['date=sa2026-01-15', 'C'],
    ['date=eb2026-01-15', 'D'],
    ['date=ap2026-01-15', 'A,B,C,D'],
    ['date=2026-01', 'A,B'],
    ['date=2026', 'A,B,C'],
    ['date=2026-01-15T10:00:00Z', 'A'],
    ['date=2026-01-15T11:00:00%2B01:00', 'A'],
    ['date=ge2026-01-01&date=lt2026-02-01', 'A,B'],
    ['date:missing=true', 'E'],
    ['date:missing=false', 'A,B,C,D'],
  ];
  for (const [query, expected] of cases) test(query, async () => assert.equal(await names('Observation', query), expected));
});

describe('quantity prefixes and implicit precision', () => {
  const cases: [string, string][] = [
    ['value-quantity=5', 'A,B'],
    ['value-quantity=5.0', 'A'],
    ['value-quantity=gt5', 'B,C,D'],
    ['value-quantity=ge6', 'C,D'],
    ['value-quantity=lt6', 'A,B'],
    ['value-quantity=le5.4', 'A,B'],
    ['value-quantity=ne5', 'C,D'],
    ['value-quantity=ap10', 'D'],
    ['value-quantity=6|http://unitsofmeasure.org|{score}', 'C'],
    ['value-quantity=10||mm', 'D'],
    ['value-quantity=10||{score}', ''],
    ['value-quantity=5,10', 'A,B,D'],
    ['value-quantity:missing=true', 'E'],
  ];
  for (const [query, expected] of cases) test(query, async () => assert.equal(await names('Observation', query), expected));
});

describe('number prefixes and implicit precision', () => {
  const cases: [string, string][] = [
    ['probability=0.2', 'r20'],
    ['probability=0.25', 'r25'],
    ['probability=gt0.2', 'r25,r80'],
    ['probability=le0.25', 'r20,r25'],
    ['probability=1e-1', ''],
    ['probability=8e-1', 'r80'],
  ];
  for (const [query, expected] of cases) test(query, async () => assert.equal(await names('RiskAssessment', query), expected));
});

describe('string and token modifiers', () => {
  const cases: [string, string, string][] = [
    ['Patient', 'family=muller', 'Zoe,Zoë'],
    ['Patient', 'family:exact=Muller', 'Zoe'],
    ['Patient', 'family:contains=lüden', 'Zoë'],
    ['Patient', 'given=ZOE', 'Zoe,Zoë'],
    ['Patient', 'name=zo', 'Zoe,Zoë'],
    ['Patient', 'gender=female', 'Zoë'],
    ['Patient', 'gender:not=female', 'Zoe'],
    ['Patient', 'gender:missing=true', 'Zoe'],
    ['Observation', 'code=http://loinc.org|72514-3&date=2026-02', 'C'],
    ['Observation', 'code=|72514-3', ''],
    ['Observation', 'code=http://loinc.org|', 'A,B,C,D,E'],
    ['Observation', 'code:text=pain a', 'A'],
  ];
  for (const [type, query, expected] of cases) test(`${type}?${query}`, async () => assert.equal(await names(type, query), expected));
});

test('_id and _lastUpdated are never missing; uri :below and :above', async () => {
  assert.equal(await names('Observation', '_id:missing=true'), '');
  assert.equal(await names('Observation', '_lastUpdated:missing=false'), 'A,B,C,D,E');
  await post('vs', {
    resourceType: 'ValueSet',
    status: 'active',
    url: 'http://example.org/fhir/ValueSet/pain',
    meta: { tag: [{ system: 'urn:test', code: 'prefixes' }] },
  });
  assert.equal(await names('ValueSet', 'url:below=http://example.org/fhir'), 'vs');
  assert.equal(await names('ValueSet', 'url:above=http://example.org/fhir/ValueSet/pain/v2'), 'vs');
  assert.equal(await names('ValueSet', 'url:above=http://example.org/fhir/ValueSet'), '');
});

test('malformed values are 400 naming the parameter', async () => {
  for (const path of [
    'Observation?date=2026-13-01',
    'Observation?date=xx2026',
    'Observation?value-quantity=five',
    'RiskAssessment?probability=gt',
    'Observation?date:missing=maybe',
  ]) {
    const res = await s.http.get(`/fhir/${path}`);
    assert.equal(res.status, 400, path);
    assert.deepEqual(res.body.issue[0].expression, [path.split('?')[1].split('=')[0]], path);
  }
});
