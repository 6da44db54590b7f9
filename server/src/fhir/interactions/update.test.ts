// update against the in-memory repository: new versions, update-as-create, id checks, If-Match (optimistic
// locking) and conditional update. https://hl7.org/fhir/R4/http.html#update
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { call, diagnostics } from '../../testing/fhir-call.js';
import { memoryContext } from '../../testing/memory-context.js';

const ctx = memoryContext();
const patient = (id: string, extra: Record<string, unknown> = {}) => ({ resourceType: 'Patient', id, name: [{ family: 'Doe' }], ...extra });

test('PUT to a new id creates it (201), to an existing one writes the next version (200)', async () => {
  const created = await call(ctx, 'PUT', 'Patient/u1', { body: patient('u1') });
  assert.equal(created.status, 201);
  assert.equal(created.body?.meta?.versionId, '1');
  const updated = await call(ctx, 'PUT', 'Patient/u1', { body: patient('u1', { gender: 'male' }) });
  assert.equal(updated.status, 200);
  assert.equal(updated.body?.meta?.versionId, '2');
  assert.equal(((await call(ctx, 'GET', 'Patient/u1')).body as { gender?: string }).gender, 'male');
});

test('the body must carry the URL id', async () => {
  const missing = await call(ctx, 'PUT', 'Patient/u2', { body: { resourceType: 'Patient' } });
  assert.equal(missing.status, 400);
  assert.match(diagnostics(missing), /must carry the id 'u2'/);
  const other = await call(ctx, 'PUT', 'Patient/u2', { body: patient('u3') });
  assert.equal(other.status, 400);
  assert.match(diagnostics(other), /'u3' does not match the id 'u2'/);
  assert.equal((await call(ctx, 'GET', 'Patient/u2')).status, 404);
});

test('If-Match: the current version writes, a stale one is 412 and changes nothing, a malformed one is 400', async () => {
  await call(ctx, 'PUT', 'Patient/m1', { body: patient('m1') });
  const ok = await call(ctx, 'PUT', 'Patient/m1', { body: patient('m1', { gender: 'female' }), headers: { 'if-match': 'W/"1"' } });
  assert.equal(ok.status, 200);
  const stale = await call(ctx, 'PUT', 'Patient/m1', { body: patient('m1', { gender: 'male' }), headers: { 'if-match': 'W/"1"' } });
  assert.equal(stale.status, 412);
  assert.match(diagnostics(stale), /version/);
  assert.equal((await call(ctx, 'GET', 'Patient/m1')).body?.meta?.versionId, '2');
  assert.equal((await call(ctx, 'PUT', 'Patient/m1', { body: patient('m1'), headers: { 'if-match': 'W/"a b"' } })).status, 400);
  // If-Match on an id that does not exist yet cannot match.
  assert.equal((await call(ctx, 'PUT', 'Patient/m9', { body: patient('m9'), headers: { 'if-match': 'W/"1"' } })).status, 412);
});

test('an update after a delete creates the resource again, as version 3', async () => {
  await call(ctx, 'PUT', 'Patient/d1', { body: patient('d1') });
  await call(ctx, 'DELETE', 'Patient/d1');
  const again = await call(ctx, 'PUT', 'Patient/d1', { body: patient('d1') });
  assert.equal(again.status, 201);
  assert.equal(again.body?.meta?.versionId, '3');
});

test('conditional update: no match creates, one match updates it, several are 412', async () => {
  const body = { resourceType: 'Patient', identifier: [{ system: 'urn:c', value: '1' }] };
  const created = await call(ctx, 'PUT', 'Patient?identifier=urn:c|1', { body });
  assert.equal(created.status, 201);
  const updated = await call(ctx, 'PUT', 'Patient?identifier=urn:c|1', { body: { ...body, gender: 'other' } });
  assert.equal(updated.status, 200);
  assert.equal(updated.body?.id, created.body?.id);
  const wrongId = await call(ctx, 'PUT', 'Patient?identifier=urn:c|1', { body: { ...body, id: 'elsewhere' } });
  assert.equal(wrongId.status, 400);
  assert.match(diagnostics(wrongId), /differs from the matching resource/);
  await call(ctx, 'POST', 'Patient', { body: { ...body, identifier: [{ system: 'urn:c', value: '2' }] } });
  await call(ctx, 'POST', 'Patient', { body: { ...body, identifier: [{ system: 'urn:c', value: '2' }] } });
  assert.equal((await call(ctx, 'PUT', 'Patient?identifier=urn:c|2', { body })).status, 412);
});
