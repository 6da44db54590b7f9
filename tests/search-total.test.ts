// _total: accurate counts, estimate asks the optimizer (cheaper, approximate), none gives no total; without it a
// total comes only when the first page holds every match. https://hl7.org/fhir/R4/search.html#total
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { painScore, patient } from './support/fixtures.js';
import { FHIR_JSON, startTestServer, type TestServer } from './support/test-server.js';

let s: TestServer;
let ann = '';
let bob = '';
let cat = '';
const MANY = 1100;
const post = async (type: string, body: unknown) =>
  (await s.http.post(`/fhir/${type}`).set('Content-Type', FHIR_JSON).send(JSON.stringify(body))).body.id as string;
const bundle = async (query: string) => {
  const res = await s.http.get(`/fhir/Observation?${query}`);
  assert.equal(res.status, 200, `${query}: ${res.text}`);
  return res.body as { total?: number; entry?: unknown[]; link: { relation: string }[] };
};

before(async () => {
  s = await startTestServer();
  ann = await post('Patient', patient());
  bob = await post('Patient', patient());
  for (let d = 1; d <= 30; d++)
    await post('Observation', painScore(`Patient/${ann}`, d % 11, `2026-10-${String(d).padStart(2, '0')}T08:00:00Z`));
  for (let d = 1; d <= 3; d++) await post('Observation', painScore(`Patient/${bob}`, 5, `2026-10-0${d}T08:00:00Z`));
  cat = await post('Patient', patient());
  const entry = Array.from({ length: MANY }, (_, i) => ({
    resource: painScore(`Patient/${cat}`, i % 11, new Date(Date.UTC(2023, 0, 1) + i * 86_400_000).toISOString()),
    request: { method: 'POST', url: 'Observation' },
  }));
  const res = await s.http
    .post('/fhir')
    .set('Content-Type', FHIR_JSON)
    .send(JSON.stringify({ resourceType: 'Bundle', type: 'transaction', entry }));
  assert.equal(res.status, 200, res.text.slice(0, 300));
});
after(async () => {
  await s.close();
});

describe('_total=accurate', () => {
  test('counts every match, not only the page', async () => {
    assert.equal((await bundle(`patient=${ann}&_count=5&_total=accurate`)).total, 30);
    assert.equal((await bundle(`patient=${ann}&value-quantity=ge8&_count=2&_total=accurate`)).total, 7);
    assert.equal((await bundle('code=http://loinc.org|72514-3&_count=0&_total=accurate')).total, 33 + MANY);
  });
});

describe('_total=none and no _total', () => {
  test('none gives no total, even when the page holds every match', async () => {
    const b = await bundle(`patient=${bob}&_total=none`);
    assert.equal(b.entry?.length, 3);
    assert.equal('total' in b, false);
  });
  test('without _total, a complete first page still says how many', async () => {
    assert.equal((await bundle(`patient=${bob}`)).total, 3);
    assert.equal('total' in (await bundle(`patient=${ann}&_count=5`)), false);
  });
});

describe('_total=estimate', () => {
  test('is exact when the first page holds every match', async () => {
    assert.equal((await bundle(`patient=${bob}&_total=estimate`)).total, 3);
    assert.equal((await bundle(`patient=${ann}&value-quantity=ge11&_total=estimate`)).total, 0);
  });
  test('below 1,000 expected matches they are counted', async () => {
    assert.equal((await bundle(`patient=${ann}&_count=5&_total=estimate`)).total, 30);
    assert.equal((await bundle(`patient=${ann}&value-quantity=ge8&_count=2&_total=estimate`)).total, 7);
  });
  test("above, the optimizer's estimate: a whole number within a factor of 3 of the 1,100 matches", async () => {
    const b = await bundle(`patient=${cat}&_count=1&_total=estimate`);
    assert.equal(b.entry?.length, 1);
    assert.ok(Number.isInteger(b.total) && b.total! >= MANY / 3 && b.total! <= MANY * 3, `total ${b.total}`);
    assert.equal((await bundle(`patient=${cat}&_count=1&_total=accurate`)).total, MANY);
  });
  test('a search matching nothing estimates 0 without counting', async () => {
    assert.equal((await bundle('code=http://loinc.org|no-such-code&_count=0&_total=estimate')).total, 0);
  });
  test('other values are refused', async () => {
    const res = await s.http.get('/fhir/Observation?_total=roughly');
    assert.equal(res.status, 400);
    assert.match(JSON.stringify(res.body), /_total must be none, estimate or accurate/);
  });
});
