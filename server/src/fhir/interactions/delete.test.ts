// delete against the in-memory repository: a deletion is a version, deleting twice or what never existed succeeds,
// If-Match, and conditional delete. https://hl7.org/fhir/R4/http.html#delete
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Bundle } from 'fhir/r4.js';
import { call, searchOf } from '../../testing/fhir-call.js';
import { memoryContext } from '../../testing/memory-context.js';

const ctx = memoryContext();

test('delete records a version; the resource is gone from read and search, its history kept', async () => {
  await call(ctx, 'PUT', 'Patient/d1', { body: { resourceType: 'Patient', id: 'd1', name: [{ family: 'Gone' }] } });
  const res = await call(ctx, 'DELETE', 'Patient/d1');
  assert.equal(res.status, 204);
  assert.equal(res.response?.version?.versionId, '2');
  assert.equal((await call(ctx, 'GET', 'Patient/d1')).status, 410);
  assert.equal((await searchOf(ctx, 'Patient?family=gone')).total, 0);
  assert.equal(((await call(ctx, 'GET', 'Patient/d1/_history')).body as Bundle).total, 2);
});

test('deleting again, or an id never stored, is 204 and writes no version', async () => {
  const again = await call(ctx, 'DELETE', 'Patient/d1');
  assert.equal(again.status, 204);
  assert.equal(again.response?.version, undefined);
  assert.equal((await call(ctx, 'DELETE', 'Patient/never')).status, 204);
  assert.equal(((await call(ctx, 'GET', 'Patient/d1/_history')).body as Bundle).total, 2);
});

test('If-Match on delete: a stale version is 412 and the resource stays', async () => {
  await call(ctx, 'PUT', 'Patient/d2', { body: { resourceType: 'Patient', id: 'd2' } });
  await call(ctx, 'PUT', 'Patient/d2', { body: { resourceType: 'Patient', id: 'd2', active: true } });
  assert.equal((await call(ctx, 'DELETE', 'Patient/d2', { headers: { 'if-match': 'W/"1"' } })).status, 412);
  assert.equal((await call(ctx, 'GET', 'Patient/d2')).status, 200);
  assert.equal((await call(ctx, 'DELETE', 'Patient/d2', { headers: { 'if-match': 'W/"2"' } })).status, 204);
});

test('conditional delete: one match is deleted, none is 204, several 412', async () => {
  await call(ctx, 'POST', 'Patient', { body: { resourceType: 'Patient', identifier: [{ system: 'urn:d', value: '1' }] } });
  assert.equal((await call(ctx, 'DELETE', 'Patient?identifier=urn:d|1')).status, 204);
  assert.equal((await searchOf(ctx, 'Patient?identifier=urn:d|1')).total, 0);
  assert.equal((await call(ctx, 'DELETE', 'Patient?identifier=urn:d|none')).status, 204);
  await call(ctx, 'POST', 'Patient', { body: { resourceType: 'Patient', identifier: [{ system: 'urn:d', value: '2' }] } });
  await call(ctx, 'POST', 'Patient', { body: { resourceType: 'Patient', identifier: [{ system: 'urn:d', value: '2' }] } });
  assert.equal((await call(ctx, 'DELETE', 'Patient?identifier=urn:d|2')).status, 412);
  assert.equal((await searchOf(ctx, 'Patient?identifier=urn:d|2')).total, 2);
});
