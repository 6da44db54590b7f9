// PATCH with JSON Patch and FHIRPath Patch, If-Match, conditional patch.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { patient } from './support/fixtures.js';
import { FHIR_JSON, startTestServer, type TestServer } from './support/test-server.js';

let s: TestServer;
before(async () => {
  s = await startTestServer();
});
after(async () => {
  await s.close();
});

const create = async () => (await s.http.post('/fhir/Patient').set('Content-Type', FHIR_JSON).send(JSON.stringify(patient()))).body;
const jsonPatch = (path: string, ops: unknown) =>
  s.http.patch(path).set('Content-Type', 'application/json-patch+json').send(JSON.stringify(ops));

test('JSON Patch creates the next version', async () => {
  const p = await create();
  const res = await jsonPatch(`/fhir/Patient/${p.id}`, [
    { op: 'replace', path: '/gender', value: 'male' },
    { op: 'add', path: '/active', value: true },
  ]);
  assert.equal(res.status, 200);
  assert.equal(res.body.gender, 'male');
  assert.equal(res.body.active, true);
  assert.equal(res.body.meta.versionId, '2');
});

test('FHIRPath Patch (a Parameters body) replaces a value', async () => {
  const p = await create();
  const parameters = {
    resourceType: 'Parameters',
    parameter: [
      {
        name: 'operation',
        part: [
          { name: 'type', valueCode: 'replace' },
          { name: 'path', valueString: 'Patient.birthDate' },
          { name: 'value', valueDate: '1990-01-01' },
        ],
      },
    ],
  };
  const res = await s.http.patch(`/fhir/Patient/${p.id}`).set('Content-Type', FHIR_JSON).send(JSON.stringify(parameters));
  assert.equal(res.status, 200, res.text);
  assert.equal(res.body.birthDate, '1990-01-01');
});

test('a patch that makes the resource invalid, fails a test op, or changes the id is refused and stores nothing', async () => {
  const p = await create();
  assert.equal((await jsonPatch(`/fhir/Patient/${p.id}`, [{ op: 'replace', path: '/gender', value: 'banana' }])).status, 400);
  assert.equal((await jsonPatch(`/fhir/Patient/${p.id}`, [{ op: 'test', path: '/gender', value: 'male' }])).status, 422);
  assert.equal((await jsonPatch(`/fhir/Patient/${p.id}`, [{ op: 'replace', path: '/id', value: 'other' }])).status, 400);
  assert.equal((await jsonPatch(`/fhir/Patient/${p.id}`, { not: 'an array' })).status, 400);
  assert.equal((await s.http.get(`/fhir/Patient/${p.id}`)).body.meta.versionId, '1');
});

test('patch honours If-Match, answers 404 for unknown and 410 for deleted resources', async () => {
  const p = await create();
  const stale = await jsonPatch(`/fhir/Patient/${p.id}`, [{ op: 'add', path: '/active', value: true }]).set('If-Match', 'W/"5"');
  assert.equal(stale.status, 412);
  assert.equal((await jsonPatch('/fhir/Patient/unknown', [{ op: 'add', path: '/active', value: true }])).status, 404);
  await s.http.delete(`/fhir/Patient/${p.id}`);
  assert.equal((await jsonPatch(`/fhir/Patient/${p.id}`, [{ op: 'add', path: '/active', value: true }])).status, 410);
});

test('conditional patch applies to the single match', async () => {
  await s.http
    .post('/fhir/Patient')
    .set('Content-Type', FHIR_JSON)
    .send(JSON.stringify(patient({ identifier: [{ system: 'urn:x', value: 'PATCHME' }] })));
  const res = await jsonPatch('/fhir/Patient?identifier=urn:x|PATCHME', [{ op: 'add', path: '/active', value: false }]);
  assert.equal(res.status, 200);
  assert.equal(res.body.active, false);
});

test('a patch body in an unsupported format is 415', async () => {
  const p = await create();
  const res = await s.http.patch(`/fhir/Patient/${p.id}`).set('Content-Type', 'text/plain').send('gender=male');
  assert.equal(res.status, 415);
});
