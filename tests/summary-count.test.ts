// _summary=count answers the number of matches only: always a total, never entries, never a next link,
// whatever the page size. https://hl7.org/fhir/R4/search.html#summary
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { painScore, patient } from './support/fixtures.js';
import { FHIR_JSON, startTestServer, type TestServer } from './support/test-server.js';

let s: TestServer;
let ann = '';
const post = async (type: string, body: unknown) =>
  (await s.http.post(`/fhir/${type}`).set('Content-Type', FHIR_JSON).send(JSON.stringify(body))).body.id as string;
const count = async (path: string) => {
  const res = await s.http.get(path);
  assert.equal(res.status, 200, `${path}: ${res.text}`);
  return res.body as { type: string; total?: number; entry?: unknown[]; link: { relation: string }[] };
};

before(async () => {
  s = await startTestServer();
  ann = await post('Patient', patient());
  for (let d = 1; d <= 30; d++)
    await post('Observation', painScore(`Patient/${ann}`, d % 11, `2026-10-${String(d).padStart(2, '0')}T08:00:00Z`));
});
after(async () => {
  await s.close();
});

describe('_summary=count', () => {
  test('gives the total of 30 matches with the default page size, and neither entries nor a next link', async () => {
    const b = await count(`/fhir/Observation?patient=${ann}&_summary=count`);
    assert.equal(b.type, 'searchset');
    assert.equal(b.total, 30);
    assert.equal(b.entry, undefined);
    assert.deepEqual(
      b.link.map((l) => l.relation),
      ['self'],
    );
  });
  test('ignores a small _count, _total=none and _include: the count is still complete', async () => {
    for (const extra of ['_count=5', '_count=0', '_count=100', '_total=none', '_include=Observation:subject', '_sort=-date&_count=3']) {
      const b = await count(`/fhir/Observation?patient=${ann}&_summary=count&${extra}`);
      assert.equal(b.total, 30, extra);
      assert.equal(b.entry, undefined, extra);
      assert.equal(
        b.link.some((l) => l.relation === 'next'),
        false,
        extra,
      );
    }
  });
  test('counts within a compartment and through POST _search', async () => {
    assert.equal((await count(`/fhir/Patient/${ann}/Observation?_summary=count`)).total, 30);
    const res = await s.http.post('/fhir/Observation/_search').type('form').send(`patient=${ann}&_summary=count&_count=2`);
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.total, 30);
    assert.equal((res.body.entry ?? []).length, 0);
    assert.equal(
      res.body.link.some((l: { relation: string }) => l.relation === 'next'),
      false,
    );
  });
  test('counts 0 when nothing matches', async () => {
    const b = await count('/fhir/Observation?patient=nobody&_summary=count');
    assert.equal(b.total, 0);
    assert.equal(b.entry, undefined);
  });
  test('a read still refuses _summary=count with 400', async () => {
    assert.equal((await s.http.get(`/fhir/Patient/${ann}?_summary=count`)).status, 400);
  });
});
