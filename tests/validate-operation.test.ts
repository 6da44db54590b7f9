// $validate at type and instance level, with profile and mode, through HTTP against a real database.
// https://hl7.org/fhir/R4/resource-operation-validate.html
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { FHIR_JSON, startTestServer, type TestServer } from './support/test-server.js';

const FT = 'https://fhir.fibrotrack.org/StructureDefinition/';
const PAIN = `${FT}fibrotrack-pain-severity`;
type Json = Record<string, any>;
const pain: Json = JSON.parse(
  readFileSync(new URL('../profiles/generated/examples/Observation-example-pain-severity.json', import.meta.url), 'utf8'),
);
/** The pain example with another unit code (the profile fixes UCUM {score}). */
const wrongUnit = (r: Json = pain): Json => ({ ...r, valueQuantity: { ...r.valueQuantity, code: 'mg' } });
const BAD_UNIT = ['value', 'Observation.valueQuantity.code'];

let s: TestServer;
before(async () => {
  s = await startTestServer();
});
after(async () => {
  await s.close();
});

const post = (path: string, body: unknown) => s.http.post(`/fhir/${path}`).set('Content-Type', FHIR_JSON).send(JSON.stringify(body));
const issuesOf = (res: { body: Json }) => res.body.issue as Json[];
const errors = (res: { body: Json }) =>
  issuesOf(res)
    .filter((i) => i.severity === 'error')
    .map((i) => [i.code, i.expression?.[0]]);

test('type level: a valid resource answers 200 with an information issue', async () => {
  const res = await post('Observation/$validate', pain);
  assert.equal(res.status, 200);
  assert.equal(res.body.resourceType, 'OperationOutcome');
  assert.deepEqual(errors(res), []);
  assert.ok(issuesOf(res).every((i) => i.severity !== 'error'));
});

test('an invalid resource is still 200, each issue with severity, code, expression and a readable message', async () => {
  const res = await post('Observation/$validate', wrongUnit());
  assert.equal(res.status, 200);
  const [issue] = issuesOf(res).filter((i) => i.severity === 'error');
  assert.deepEqual(issue, {
    severity: 'error',
    code: 'value',
    diagnostics: "Observation.valueQuantity.code: value 'mg' must be exactly '{score}'",
    expression: ['Observation.valueQuantity.code'],
  });
  const eleven = await post('Observation/$validate', { ...pain, valueQuantity: { ...pain.valueQuantity, value: 11 } });
  assert.deepEqual(errors(eleven), [['invariant', 'Observation']]);
  assert.match(issuesOf(eleven).find((i) => i.severity === 'error')!.diagnostics, /^Observation: ft-pain-1: /);
});

test('the profile parameter applies a profile the resource does not claim; in a Parameters body too', async () => {
  const unclaimed = wrongUnit({ ...pain, meta: undefined });
  assert.deepEqual(errors(await post('Observation/$validate', unclaimed)), []);
  assert.deepEqual(errors(await post(`Observation/$validate?profile=${encodeURIComponent(PAIN)}`, unclaimed)), [BAD_UNIT]);
  const parameters = {
    resourceType: 'Parameters',
    parameter: [
      { name: 'resource', resource: unclaimed },
      { name: 'profile', valueUri: PAIN },
      { name: 'mode', valueCode: 'create' },
    ],
  };
  assert.deepEqual(errors(await post('Observation/$validate', parameters)), [BAD_UNIT]);
});

test('an unknown profile, mode or parameter means the validation cannot be done: 4xx OperationOutcome', async () => {
  const unknown = await post('Observation/$validate?profile=https://example.org/StructureDefinition/none', pain);
  assert.equal(unknown.status, 422);
  assert.equal(issuesOf(unknown)[0].code, 'not-found');
  assert.match(issuesOf(unknown)[0].diagnostics, /https:\/\/example.org\/StructureDefinition\/none is not known/);
  const mode = await post('Observation/$validate?mode=upsert', pain);
  assert.equal(mode.status, 400);
  assert.deepEqual(issuesOf(mode)[0].expression, ['mode']);
  assert.equal((await post('Observation/$validate?flavour=x', pain)).status, 400);
  assert.equal((await post('Observation/$validate', { resourceType: 'Patient' })).status, 200);
  assert.deepEqual(errors(await post('Observation/$validate', { resourceType: 'Patient' })), [['structure', 'resourceType']]);
});

test('instance level: validates the stored resource, or the body as an update of it', async () => {
  const created = await post('Observation', { ...pain, meta: undefined, id: undefined });
  assert.equal(created.status, 201, created.text);
  const id = created.body.id as string;
  const stored = await s.http.get(`/fhir/Observation/${id}/$validate?profile=${encodeURIComponent(PAIN)}`);
  assert.equal(stored.status, 200);
  assert.deepEqual(errors(stored), []);
  const update = await post(`Observation/${id}/$validate?mode=update`, { ...pain, id: 'other' });
  assert.deepEqual(errors(update), [['value', 'Observation.id']]);
  const noId = await post('Observation/$validate?mode=update', { ...pain, id: undefined });
  assert.deepEqual(errors(noId), [['required', 'Observation.id']]);
  assert.equal((await s.http.get('/fhir/Observation/nope/$validate')).status, 404);
});

test('mode=delete: 200 for an existing resource, 404 for an unknown one', async () => {
  const created = await post('Patient', { resourceType: 'Patient', name: [{ family: 'Delete' }] });
  const ok = await post(`Patient/${created.body.id}/$validate?mode=delete`, {});
  assert.equal(ok.status, 200);
  assert.equal(issuesOf(ok)[0].severity, 'information');
  assert.equal((await s.http.post('/fhir/Patient/unknown/$validate?mode=delete')).status, 404);
});

test('validating changes nothing', async () => {
  const before = await s.sql<{ n: number }[]>('SELECT COUNT(*) AS n FROM resource_history');
  await post('Observation/$validate', pain);
  await post('Observation/$validate', wrongUnit());
  const after = await s.sql<{ n: number }[]>('SELECT COUNT(*) AS n FROM resource_history');
  assert.deepEqual(after, before);
});

test('/metadata lists $validate for every type', async () => {
  const res = await s.http.get('/fhir/metadata');
  const resources = res.body.rest[0].resource as Json[];
  for (const r of resources.filter((x) => ['Patient', 'Observation', 'Device'].includes(x.type))) {
    assert.deepEqual(
      r.operation.filter((o: Json) => o.name === 'validate'),
      [{ name: 'validate', definition: 'http://hl7.org/fhir/OperationDefinition/Resource-validate' }],
      r.type,
    );
  }
});
