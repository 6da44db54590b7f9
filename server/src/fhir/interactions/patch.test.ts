// patch against the in-memory repository: JSON Patch and FHIRPath Patch, validation of the result, If-Match and
// conditional patch. https://hl7.org/fhir/R4/http.html#patch
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { call, diagnostics } from '../../testing/fhir-call.js';
import { memoryContext } from '../../testing/memory-context.js';

const ctx = memoryContext();
const JSON_PATCH = 'application/json-patch+json';

test('a JSON Patch writes the next version', async () => {
  await call(ctx, 'PUT', 'Patient/p1', { body: { resourceType: 'Patient', id: 'p1', active: false } });
  const res = await call(ctx, 'PATCH', 'Patient/p1', { body: [{ op: 'replace', path: '/active', value: true }], contentType: JSON_PATCH });
  assert.equal(res.status, 200);
  assert.equal((res.body as { active?: boolean }).active, true);
  assert.equal(res.body?.meta?.versionId, '2');
});

test('a FHIRPath Patch (Parameters) writes the next version', async () => {
  const parameters = {
    resourceType: 'Parameters',
    parameter: [
      {
        name: 'operation',
        part: [
          { name: 'type', valueCode: 'add' },
          { name: 'path', valueString: 'Patient' },
          { name: 'name', valueString: 'gender' },
          { name: 'value', valueCode: 'female' },
        ],
      },
    ],
  };
  const res = await call(ctx, 'PATCH', 'Patient/p1', { body: parameters, contentType: 'application/fhir+json' });
  assert.equal(res.status, 200);
  assert.equal((res.body as { gender?: string }).gender, 'female');
});

test('a patch giving an invalid resource, or changing the id, is refused and stores nothing', async () => {
  const invalid = await call(ctx, 'PATCH', 'Patient/p1', {
    body: [{ op: 'replace', path: '/active', value: 'yes' }],
    contentType: JSON_PATCH,
  });
  assert.equal(invalid.status, 400);
  assert.match(diagnostics(invalid), /active/);
  const id = await call(ctx, 'PATCH', 'Patient/p1', { body: [{ op: 'replace', path: '/id', value: 'p2' }], contentType: JSON_PATCH });
  assert.equal(id.status, 400);
  assert.match(diagnostics(id), /may not change the resource type or id/);
  assert.equal((await call(ctx, 'GET', 'Patient/p1')).body?.meta?.versionId, '3');
});

test('patching what does not exist is 404, what was deleted 410, with a stale If-Match 412', async () => {
  const patchBody = { body: [{ op: 'replace', path: '/active', value: true }], contentType: JSON_PATCH };
  assert.equal((await call(ctx, 'PATCH', 'Patient/none', patchBody)).status, 404);
  await call(ctx, 'PUT', 'Patient/del', { body: { resourceType: 'Patient', id: 'del' } });
  await call(ctx, 'DELETE', 'Patient/del');
  assert.equal((await call(ctx, 'PATCH', 'Patient/del', patchBody)).status, 410);
  assert.equal((await call(ctx, 'PATCH', 'Patient/p1', { ...patchBody, headers: { 'if-match': 'W/"1"' } })).status, 412);
  assert.equal((await call(ctx, 'PATCH', 'Patient/p1', { ...patchBody, headers: { 'if-match': 'W/"3"' } })).status, 200);
});

test('conditional patch: one match is patched, none is 404, several 412', async () => {
  const patchBody = { body: [{ op: 'add', path: '/active', value: true }], contentType: JSON_PATCH };
  await call(ctx, 'POST', 'Patient', { body: { resourceType: 'Patient', identifier: [{ system: 'urn:p', value: 'one' }] } });
  const one = await call(ctx, 'PATCH', 'Patient?identifier=urn:p|one', patchBody);
  assert.equal(one.status, 200);
  assert.equal((one.body as { active?: boolean }).active, true);
  assert.equal((await call(ctx, 'PATCH', 'Patient?identifier=urn:p|none', patchBody)).status, 404);
  await call(ctx, 'POST', 'Patient', { body: { resourceType: 'Patient', identifier: [{ system: 'urn:p', value: 'two' }] } });
  await call(ctx, 'POST', 'Patient', { body: { resourceType: 'Patient', identifier: [{ system: 'urn:p', value: 'two' }] } });
  assert.equal((await call(ctx, 'PATCH', 'Patient?identifier=urn:p|two', patchBody)).status, 412);
});
