// create against the in-memory repository: the server's id, validation before storing, and conditional create
// with If-None-Exist. https://hl7.org/fhir/R4/http.html#create
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { call, diagnostics, searchOf } from '../../testing/fhir-call.js';
import { memoryContext } from '../../testing/memory-context.js';

const ctx = memoryContext();
const patient = (system: string, value: string) => ({
  resourceType: 'Patient',
  identifier: [{ system, value }],
  name: [{ family: 'Doe' }],
});

test('create stores version 1 under an id of its own, ignoring one in the body', async () => {
  const res = await call(ctx, 'POST', 'Patient', { body: { ...patient('urn:s', '1'), id: 'mine' } });
  assert.equal(res.status, 201);
  assert.equal(res.response?.created, true);
  assert.notEqual(res.body?.id, 'mine');
  assert.equal(res.body?.meta?.versionId, '1');
  assert.equal((await call(ctx, 'GET', `Patient/${res.body.id}`)).status, 200);
  assert.equal((await call(ctx, 'GET', 'Patient/mine')).status, 404);
});

test('an invalid resource, a wrong resourceType or a body that is no object is refused and nothing is stored', async () => {
  const before = await searchOf(ctx, 'Patient?_count=0');
  const invalid = await call(ctx, 'POST', 'Patient', { body: { resourceType: 'Patient', gender: 'sometimes' } });
  assert.equal(invalid.status, 400);
  assert.match(diagnostics(invalid), /gender/);
  const mismatch = await call(ctx, 'POST', 'Patient', { body: { resourceType: 'Observation' } });
  assert.equal(mismatch.status, 400);
  assert.match(diagnostics(mismatch), /does not match the Patient endpoint/);
  assert.equal((await call(ctx, 'POST', 'Patient', { body: [1] })).status, 400);
  const after = await searchOf(ctx, 'Patient?_count=0');
  assert.equal(after.total, before.total);
});

test('If-None-Exist: no match creates, one match answers it (200) without storing, several are 412', async () => {
  const headers = { 'if-none-exist': 'identifier=urn:s|42' };
  const created = await call(ctx, 'POST', 'Patient', { body: patient('urn:s', '42'), headers });
  assert.equal(created.status, 201);
  const again = await call(ctx, 'POST', 'Patient', { body: patient('urn:s', '42'), headers });
  assert.equal(again.status, 200);
  assert.equal(again.body?.id, created.body?.id);
  assert.equal(again.body?.meta?.versionId, '1');
  await call(ctx, 'POST', 'Patient', { body: patient('urn:s', '43') });
  await call(ctx, 'POST', 'Patient', { body: patient('urn:s', '43') });
  const several = await call(ctx, 'POST', 'Patient', { body: patient('urn:s', '43'), headers: { 'if-none-exist': 'identifier=urn:s|43' } });
  assert.equal(several.status, 412);
  assert.match(diagnostics(several), /matches 2 or more/);
});

test('If-None-Exist with criteria the search refuses is a 400 naming the parameter', async () => {
  const res = await call(ctx, 'POST', 'Patient', { body: patient('urn:s', '9'), headers: { 'if-none-exist': 'shoe-size=9' } });
  assert.equal(res.status, 400);
  assert.match(diagnostics(res), /shoe-size/);
});

test('concurrent conditional creates with the same criteria store one resource', async () => {
  const headers = { 'if-none-exist': 'identifier=urn:s|race' };
  const results = await Promise.all([1, 2, 3, 4].map(() => call(ctx, 'POST', 'Patient', { body: patient('urn:s', 'race'), headers })));
  assert.deepEqual(results.map((r) => r.status).sort(), [200, 200, 200, 201]);
  assert.equal(new Set(results.map((r) => r.body?.id)).size, 1);
});
