// Composition/$document: a stored Composition as a document Bundle with what it references, through HTTP against
// MariaDB under SMART tokens. https://hl7.org/fhir/R4/composition-operation-document.html
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Bundle } from 'fhir/r4.js';
import { as, assertForbidden, startFixture, type Fixture } from './resource-server-fixture.js';

let f: Fixture;
let compositionId = '';
let otherId = '';
const composition = (subject: string, entries: string[]) => ({
  resourceType: 'Composition',
  status: 'final',
  type: { coding: [{ system: 'http://loinc.org', code: '11488-4', display: 'Consult note' }] },
  subject: { reference: subject },
  date: '2026-02-01T10:00:00Z',
  author: [{ reference: subject }],
  title: 'Pain clinic consult',
  section: [
    {
      title: 'Findings',
      text: { status: 'generated', div: '<div xmlns="http://www.w3.org/1999/xhtml">Findings</div>' },
      entry: entries.map((reference) => ({ reference })),
    },
  ],
});

before(async () => {
  f = await startFixture();
  const sys = as(f.server, f.system);
  const a = await sys.post(
    'Composition',
    composition('Patient/a', [
      'Observation/oa1',
      'Observation/oa2',
      'Observation/ob1',
      'Observation/gone',
      'http://elsewhere.example/fhir/Observation/x',
    ]),
  );
  assert.equal(a.status, 201, a.text);
  compositionId = a.body.id;
  const b = await sys.post('Composition', composition('Patient/b', ['Observation/ob1']));
  otherId = b.body.id;
});
after(async () => {
  await f.server.close();
});

const entries = (b: Bundle) => b.entry!.map((e) => `${e.resource!.resourceType}/${e.resource!.id}`);

test('the document: Composition first, then its subject and entries, each once, with identifier and timestamp', async () => {
  const res = await as(f.server, f.system).get(`Composition/${compositionId}/$document`);
  assert.equal(res.status, 200, res.text);
  const bundle = res.body as Bundle;
  assert.equal(bundle.type, 'document');
  assert.match(bundle.identifier?.value ?? '', /^urn:uuid:/);
  assert.ok(bundle.timestamp);
  assert.deepEqual(entries(bundle), [`Composition/${compositionId}`, 'Patient/a', 'Observation/oa1', 'Observation/oa2', 'Observation/ob1']);
  assert.ok(
    bundle.entry!.every((e) => e.fullUrl!.endsWith(`/fhir/${e.resource!.resourceType}/${e.resource!.id}`)),
    JSON.stringify(bundle.entry!.map((e) => e.fullUrl)),
  );
});

test("a patient app gets its own document without another patient's data; another's Composition is 404", async () => {
  const token = (await f.patientToken('a', 'patient/*.rs')).access_token;
  const res = await as(f.server, token).get(`Composition/${compositionId}/$document`);
  assert.equal(res.status, 200, res.text);
  assert.ok(!entries(res.body).includes('Observation/ob1'), "ob1 is Patient/b's");
  assert.equal((await as(f.server, token).get(`Composition/${otherId}/$document`)).status, 404);
  const weak = (await f.patientToken('a', 'patient/Observation.rs')).access_token;
  assertForbidden(await as(f.server, weak).get(`Composition/${compositionId}/$document`), /Composition/);
  assert.equal((await f.server.http.get(`/fhir/Composition/${compositionId}/$document`)).status, 401);
});

test('parameters: persist=true and graph are not supported, unknown ones refused; unknown Composition 404', async () => {
  const sys = as(f.server, f.system);
  for (const [q, pattern] of [
    ['persist=true', /persist/],
    ['persist=maybe', /persist/],
    ['graph=x', /graph/],
    ['foo=1', /foo/],
  ] as const) {
    const res = await sys.get(`Composition/${compositionId}/$document?${q}`);
    assert.equal(res.status, 400, `${q}: ${res.text}`);
    assert.match(res.body.issue[0].diagnostics, pattern);
  }
  assert.equal((await sys.get(`Composition/${compositionId}/$document?persist=false`)).status, 200);
  assert.equal((await sys.get('Composition/nope/$document')).status, 404);
});
