// Quantity search in UCUM units compares canonical values: units that convert match, units that do not never do.
// https://hl7.org/fhir/R4/search.html#quantity
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { FHIR_JSON, startTestServer, type TestServer } from './support/test-server.js';

let s: TestServer;
const label = new Map<string, string>();
const UCUM = 'http://unitsofmeasure.org';

const obs = (name: string, valueQuantity: Record<string, unknown>) => ({
  resourceType: 'Observation',
  status: 'final',
  meta: { tag: [{ system: 'urn:test', code: 'ucum' }] },
  code: { coding: [{ system: 'http://loinc.org', code: '29463-7' }], text: name },
  valueQuantity,
});
const names = async (query: string) => {
  const res = await s.http.get(`/fhir/Observation?_tag=urn:test|ucum&${query}`);
  assert.equal(res.status, 200, `${query}: ${res.text}`);
  return res.body.entry
    .map((e: { resource: { id: string } }) => label.get(e.resource.id))
    .sort()
    .join(',');
};

before(async () => {
  s = await startTestServer();
  const fixtures: [string, Record<string, unknown>][] = [
    ['kg80', { value: 80, unit: 'kg', system: UCUM, code: 'kg' }],
    ['g80000', { value: 80000, unit: 'g', system: UCUM, code: 'g' }],
    ['kg70', { value: 70, unit: 'kg', system: UCUM, code: 'kg' }],
    ['lb150', { value: 150, unit: 'lb', system: UCUM, code: '[lb_av]' }], // 68.04 kg
    ['kg80-no-system', { value: 80, unit: 'kg' }],
    ['cm80', { value: 80, unit: 'cm', system: UCUM, code: 'cm' }],
    ['Cel37', { value: 37, unit: '°C', system: UCUM, code: 'Cel' }],
    ['degF98.6', { value: 98.6, unit: '°F', system: UCUM, code: '[degF]' }], // 37 °C
    ['K310.15', { value: 310.15, unit: 'K', system: UCUM, code: 'K' }], // 37 °C
    ['not-ucum', { value: 80, unit: 'kg', system: UCUM, code: 'kilo' }],
  ];
  for (const [name, q] of fixtures) {
    const res = await s.http
      .post('/fhir/Observation')
      .set('Content-Type', FHIR_JSON)
      .send(JSON.stringify(obs(name, q)));
    assert.equal(res.status, 201, res.text);
    label.set(res.body.id, name);
  }
});
after(async () => {
  await s.close();
});

describe('UCUM units convert before comparing', () => {
  const cases: [string, string][] = [
    [`value-quantity=gt70|${UCUM}|kg`, 'g80000,kg80'],
    [`value-quantity=80|${UCUM}|kg`, 'g80000,kg80'],
    [`value-quantity=80000|${UCUM}|g`, 'g80000,kg80'],
    [`value-quantity=8e7|${UCUM}|mg`, 'g80000,kg80'],
    [`value-quantity=lt70|${UCUM}|kg`, 'lb150'],
    [`value-quantity=le70|${UCUM}|kg`, 'kg70,lb150'],
    [`value-quantity=70000000|${UCUM}|mg`, 'kg70'],
    [`value-quantity=ge0.8|${UCUM}|m`, 'cm80'],
    [`value-quantity=37|${UCUM}|Cel`, 'Cel37,K310.15,degF98.6'],
    [`value-quantity=gt37.5|${UCUM}|Cel`, ''],
    [`value-quantity=ne80|${UCUM}|kg`, 'kg70,lb150'],
    [`value-quantity=gt70|${UCUM}|kg,ge0.8|${UCUM}|m`, 'cm80,g80000,kg80'],
  ];
  for (const [query, expected] of cases) test(query, async () => assert.equal(await names(query), expected));
});

describe('what does not convert does not match', () => {
  const cases: [string, string][] = [
    // Mass against length, temperature, a unit that is not UCUM, and a quantity without a system.
    [`value-quantity=gt0|${UCUM}|kg`, 'g80000,kg70,kg80,lb150'],
    [`value-quantity=gt0|${UCUM}|s`, ''],
    // A code that is not UCUM is compared as a plain code, as before.
    [`value-quantity=80|${UCUM}|kilo`, 'not-ucum'],
    // Without a system the code or the unit must be the same text ('kilo' has unit kg): no conversion.
    ['value-quantity=80||kg', 'kg80,kg80-no-system,not-ucum'],
    ['value-quantity=80000||kg', ''],
  ];
  for (const [query, expected] of cases) test(query, async () => assert.equal(await names(query), expected));
});

test('the index keeps the canonical value beside the original', async () => {
  const rows = await s.sql<{ value: number; code: string; canonical_value: number | null; canonical_code: string | null }[]>(
    `SELECT value, code, canonical_value, canonical_code FROM idx_quantity WHERE param = 'value-quantity' AND code IN ('kg', 'Cel', 'kilo') ORDER BY code, value`,
  );
  assert.deepEqual(
    rows.map((r) => [r.value, r.code, r.canonical_value, r.canonical_code]),
    [
      [37, 'Cel', 310.15, 'K'],
      [70, 'kg', 70000, 'g'],
      [80, 'kg', 80000, 'g'],
      [80, 'kilo', null, null],
    ],
  );
});
