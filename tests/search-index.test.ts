// The write path fills the search index tables in the same transaction; basic searches read them.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { painScore, patient } from './support/fixtures.js';
import { FHIR_JSON, startTestServer, type TestServer } from './support/test-server.js';

let s: TestServer;
before(async () => {
  s = await startTestServer();
});
after(async () => {
  await s.close();
});

const post = async (type: string, body: unknown) =>
  (await s.http.post(`/fhir/${type}`).set('Content-Type', FHIR_JSON).send(JSON.stringify(body))).body;
const rows = (table: string, id: string) =>
  s.sql<Record<string, unknown>[]>(
    `SELECT i.* FROM ${table} i JOIN resource r ON r.pk = i.resource_pk WHERE r.res_id = ? ORDER BY i.param`,
    [id],
  );

describe('index rows', () => {
  test('an Observation gets token, reference, date and quantity rows from the R4 SearchParameters', async () => {
    const p = await post('Patient', patient());
    const obs = await post('Observation', painScore(`Patient/${p.id}`, 7, '2026-03'));
    const tokens = await rows('idx_token', obs.id);
    assert.ok(tokens.some((r) => r.param === 'code' && r.system === 'http://loinc.org' && r.code === '72514-3'));
    assert.ok(tokens.some((r) => r.param === 'status' && r.code === 'final'));
    assert.ok(tokens.some((r) => r.param === 'category' && r.code === 'survey'));
    const refs = await rows('idx_reference', obs.id);
    assert.ok(refs.some((r) => r.param === 'subject' && r.target_type === 'Patient' && r.target_id === p.id));
    // `patient` is `subject` restricted to Patients, and combo-code is code and component-code: searches read those rows.
    assert.ok(!refs.some((r) => r.param === 'patient'));
    assert.ok(!tokens.some((r) => r.param === 'combo-code'));
    const found = await s.http.get(`/fhir/Observation?patient=${p.id}&combo-code=http://loinc.org|72514-3&combo-value-quantity=7`);
    assert.deepEqual(
      found.body.entry.map((e: { resource: { id: string } }) => e.resource.id),
      [obs.id],
    );
    const dates = await rows('idx_date', obs.id);
    const date = dates.find((r) => r.param === 'date')!;
    assert.equal((date.start_at as Date).toISOString(), '2026-03-01T00:00:00.000Z');
    assert.equal((date.end_at as Date).toISOString(), '2026-03-31T23:59:59.999Z');
    const qty = (await rows('idx_quantity', obs.id)).find((r) => r.param === 'value-quantity')!;
    assert.equal(qty.value, 7);
    assert.equal(qty.code, '{score}');
  });

  test('a Patient gets normalised string rows; update replaces rows; delete removes them', async () => {
    const p = await post('Patient', patient({ name: [{ family: 'Éluard', given: ['Zoë'] }] }));
    const strings = await rows('idx_string', p.id);
    assert.ok(strings.some((r) => r.param === 'family' && r.normalized === 'eluard' && r.exact === 'Éluard'));
    await s.http
      .put(`/fhir/Patient/${p.id}`)
      .set('Content-Type', FHIR_JSON)
      .send(JSON.stringify({ ...p, name: [{ family: 'Martin' }] }));
    const families = (await rows('idx_string', p.id)).filter((r) => r.param === 'family').map((r) => r.exact);
    assert.deepEqual(families, ['Martin']);
    await s.http.delete(`/fhir/Patient/${p.id}`);
    for (const table of ['idx_token', 'idx_string', 'idx_date', 'idx_reference']) assert.equal((await rows(table, p.id)).length, 0, table);
  });
});

describe('search over the index', () => {
  test('token, reference, string, date and quantity criteria combine with AND, commas with OR', async () => {
    const p = await post('Patient', patient({ name: [{ family: 'Searchable' }] }));
    const other = await post('Patient', patient({ name: [{ family: 'Other' }] }));
    await post('Observation', painScore(`Patient/${p.id}`, 2, '2026-01-05T10:00:00Z'));
    await post('Observation', painScore(`Patient/${p.id}`, 9, '2026-02-05T10:00:00Z'));
    await post('Observation', painScore(`Patient/${other.id}`, 9, '2026-02-05T10:00:00Z'));
    const ids = async (q: string) => {
      const res = await s.http.get(`/fhir/Observation?${q}`);
      assert.equal(res.status, 200, res.text);
      assert.equal(res.body.type, 'searchset');
      return res.body.entry.length;
    };
    assert.equal(await ids(`patient=${p.id}`), 2);
    assert.equal(await ids(`patient=${p.id},${other.id}`), 3);
    assert.equal(await ids(`patient=${p.id}&value-quantity=gt5`), 1);
    assert.equal(await ids(`subject=Patient/${p.id}&date=ge2026-02-01`), 1);
    assert.equal(await ids(`code=http://loinc.org|72514-3&date=2026-01`), 1);
    assert.equal(await ids('value-quantity=9||{score}'), 2);
    const patients = await s.http.get('/fhir/Patient?family=searCH');
    assert.deepEqual(
      patients.body.entry.map((e: { resource: { id: string } }) => e.resource.id),
      [p.id],
    );
  });

  test('unknown parameters are 400 naming them; Prefer: handling=lenient ignores and reports them', async () => {
    const strict = await s.http.get('/fhir/Observation?subjekt=1');
    assert.equal(strict.status, 400);
    assert.deepEqual(strict.body.issue[0].expression, ['subjekt']);
    const lenient = await s.http.get('/fhir/Observation?subjekt=1').set('Prefer', 'handling=lenient');
    assert.equal(lenient.status, 200);
    const outcome = lenient.body.entry.find((e: { search: { mode: string } }) => e.search.mode === 'outcome');
    assert.match(outcome.resource.issue[0].diagnostics, /subjekt/);
  });

  test('_count pages with next links until the end; POST _search takes form parameters', async () => {
    const p = await post('Patient', patient());
    for (let i = 0; i < 5; i++) await post('Observation', painScore(`Patient/${p.id}`, i));
    const seen = new Set<string>();
    let url: string | undefined = `/fhir/Observation?patient=${p.id}&_count=2`;
    while (url) {
      const page = await s.http.get(url);
      for (const e of page.body.entry) seen.add(e.resource.id);
      const next = page.body.link.find((l: { relation: string }) => l.relation === 'next');
      url = next?.url.replace('http://localhost:8080', '');
    }
    assert.equal(seen.size, 5);
    const form = await s.http.post('/fhir/Observation/_search').type('form').send(`patient=${p.id}&_total=accurate`);
    assert.equal(form.status, 200);
    assert.equal(form.body.total, 5);
  });
});
