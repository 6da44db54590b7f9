// Decimals keep the text they were sent with (1.50 is not 1.5) in every response, while searches compare numerically.
// https://hl7.org/fhir/R4/datatypes.html#decimal https://hl7.org/fhir/R4/json.html#primitive
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fhirPath, kickOff, manifestOf } from './support/bulk-export.js';
import { patient } from './support/fixtures.js';
import { FHIR_JSON, startTestServer, type TestServer } from './support/test-server.js';

let s: TestServer;
let ann = '';

/** Bodies are written by hand: JSON.stringify would already have lost what is tested. */
const observation = (subject: string, value: string, components = ['0.000001230', '1.0e2', '12345678901234567890.123']) => `{
  "resourceType": "Observation", "status": "final",
  "code": {"coding": [{"system": "http://loinc.org", "code": "2345-7"}]},
  "subject": {"reference": "${subject}"}, "effectiveDateTime": "2026-11-02T08:00:00Z",
  "valueQuantity": {"value": ${value}, "unit": "mmol/L", "system": "http://unitsofmeasure.org", "code": "mmol/L"},
  "component": [${components.map((c, i) => `{"code": {"coding": [{"system": "http://loinc.org", "code": "9${i}-0"}]}, "valueQuantity": {"value": ${c}, "unit": "1"}}`).join(', ')}]
}`;

const EXACT = ['"value":1.50,', '"value":0.000001230,', '"value":1.0e2,', '"value":12345678901234567890.123,'];
const assertExact = (text: string, expected = EXACT) => {
  for (const e of expected) assert.ok(text.includes(e), `expected ${e} in ${text}`);
};

const post = (type: string, body: string, prefer = 'return=representation') =>
  s.http.post(`/fhir/${type}`).set('Content-Type', FHIR_JSON).set('Prefer', prefer).send(body);

const blobDir = mkdtempSync(join(tmpdir(), 'decimal-export-'));

before(async () => {
  s = await startTestServer({ BLOB_DIR: blobDir, EXPORT_SETTLE_MS: '100', EXPORT_POLL_MS: '200' });
  ann = (await post('Patient', JSON.stringify(patient()))).body.id;
});
after(async () => {
  await s.close();
  rmSync(blobDir, { recursive: true, force: true });
});

test('create, read, vread and the stored JSON keep 1.50, 0.000001230, 1.0e2 and 20 significant digits as sent', async () => {
  const created = await post('Observation', observation(`Patient/${ann}`, '1.50'));
  assert.equal(created.status, 201, created.text);
  assertExact(created.text);
  const id = created.body.id as string;
  assertExact((await s.http.get(`/fhir/Observation/${id}`)).text);
  assertExact((await s.http.get(`/fhir/Observation/${id}/_history/1`)).text);
  assertExact((await s.http.get(`/fhir/Observation/${id}?_pretty=true`)).text.replace(/\s+/g, ''));
  const [row] = await s.sql<{ content: string }[]>(
    "SELECT h.content FROM resource r JOIN resource_history h ON h.resource_pk = r.pk WHERE r.res_type = 'Observation' AND r.res_id = ?",
    [id],
  );
  assertExact(row.content);
});

test('search and history bundles, _summary and _elements keep the text; eq and ap compare by value', async () => {
  const id = (await post('Observation', observation(`Patient/${ann}`, '7.20'))).body.id as string;
  for (const q of [
    'value-quantity=7.2',
    'value-quantity=eq7.20',
    'value-quantity=ap7',
    `_id=${id}&_summary=data`,
    `_id=${id}&_elements=component`,
  ]) {
    const res = await s.http.get(`/fhir/Observation?subject=Patient/${ann}&${q}`);
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.entry?.length, 1, `${q}: ${res.text}`);
    assertExact(res.text, q.includes('_elements') ? EXACT.slice(1) : ['"value":7.20,', ...EXACT.slice(1)]);
  }
  assert.equal((await s.http.get(`/fhir/Observation?subject=Patient/${ann}&value-quantity=eq7.3`)).body.total ?? 0, 0);
  assertExact((await s.http.get(`/fhir/Observation/${id}/_history`)).text, ['"value":7.20,', ...EXACT.slice(1)]);
  assertExact((await s.http.get(`/fhir/Observation/$lastn?patient=${ann}&code=2345-7`)).text, ['"value":7.20,', ...EXACT.slice(1)]);
});

test('a transaction keeps the text in its response and in what it stores; update keeps it too', async () => {
  const bundle = `{"resourceType": "Bundle", "type": "transaction", "entry": [
    {"fullUrl": "urn:uuid:0b6a4c52-6b0e-4a8e-9d83-5f1f7c0e0a01", "resource": ${observation(`Patient/${ann}`, '1.50')},
     "request": {"method": "POST", "url": "Observation"}}]}`;
  const res = await s.http.post('/fhir').set('Content-Type', FHIR_JSON).set('Prefer', 'return=representation').send(bundle);
  assert.equal(res.status, 200, res.text);
  assertExact(res.text);
  const id = (res.body.entry[0].response.location as string).split('/')[1];
  const updated = await s.http
    .put(`/fhir/Observation/${id}`)
    .set('Content-Type', FHIR_JSON)
    .set('Prefer', 'return=representation')
    .send(observation(`Patient/${ann}`, '1.50').replace('{', `{"id": "${id}",`));
  assert.equal(updated.status, 200, updated.text);
  assertExact(updated.text);
  assertExact((await s.http.get(`/fhir/Observation/${id}`)).text);
});

test('a patch keeps the text of the decimals it does not touch, and of the one it writes', async () => {
  const id = (await post('Observation', observation(`Patient/${ann}`, '1.50'))).body.id as string;
  const res = await s.http
    .patch(`/fhir/Observation/${id}`)
    .set('Content-Type', 'application/json-patch+json')
    .send('[{"op": "replace", "path": "/valueQuantity/value", "value": 2.500}, {"op": "replace", "path": "/status", "value": "amended"}]');
  assert.equal(res.status, 200, res.text);
  assertExact(res.text, ['"value":2.500,', ...EXACT.slice(1)]);
  assertExact((await s.http.get(`/fhir/Observation/${id}`)).text, ['"value":2.500,', ...EXACT.slice(1)]);
  const fhirPath = await s.http
    .patch(`/fhir/Observation/${id}`)
    .set('Content-Type', FHIR_JSON)
    .send(
      JSON.stringify({
        resourceType: 'Parameters',
        parameter: [
          {
            name: 'operation',
            part: [
              { name: 'type', valueCode: 'replace' },
              { name: 'path', valueString: 'Observation.status' },
              { name: 'value', valueCode: 'final' },
            ],
          },
        ],
      }),
    );
  assert.equal(fhirPath.status, 200, fhirPath.text);
  assertExact(fhirPath.text, ['"value":2.500,', ...EXACT.slice(1)]);
  const decimal = await s.http.patch(`/fhir/Observation/${id}`).set('Content-Type', FHIR_JSON).send(`{"resourceType": "Parameters",
    "parameter": [{"name": "operation", "part": [{"name": "type", "valueCode": "replace"},
      {"name": "path", "valueString": "Observation.valueQuantity.value"}, {"name": "value", "valueDecimal": 3.10}]}]}`);
  assert.equal(decimal.status, 200, decimal.text);
  assertExact(decimal.text, ['"value":3.10,', ...EXACT.slice(1)]);
});

test('numbers that read back as sent stay as they were, and a changed decimal never takes its old text', async () => {
  const res = await post('Observation', observation(`Patient/${ann}`, '7', ['7.2', '-0.5', '100']));
  assert.equal(res.status, 201, res.text);
  assertExact(res.text, ['"value":7,', '"value":7.2,', '"value":-0.5,', '"value":100,']);
});

test('Patient/$everything and a Bulk Data export keep the text too', async () => {
  const created = await post('Observation', observation(`Patient/${ann}`, '1.50'));
  assert.equal(created.status, 201, created.text);
  const everything = await s.http.get(`/fhir/Patient/${ann}/$everything?_type=Observation&_count=1000`);
  assert.equal(everything.status, 200, everything.text);
  assertExact(everything.text);
  const manifest = await manifestOf(s, await kickOff(s, `Patient/$export?_type=Observation`));
  const files = await Promise.all(
    manifest.output.map((o) =>
      s.http
        .get(fhirPath(o.url))
        .buffer(true)
        .parse((r, cb) => {
          let text = '';
          r.setEncoding('utf8');
          r.on('data', (c: string) => (text += c));
          r.on('end', () => cb(null, text));
        }),
    ),
  );
  assertExact(files.map((f) => String(f.body)).join('\n'));
});
