// read and vread against the in-memory repository: current and past versions, 404 and 410, and the conditional
// read headers answered 304. https://hl7.org/fhir/R4/http.html#read
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { call, diagnostics } from '../../testing/fhir-call.js';
import { memoryContext } from '../../testing/memory-context.js';

const ctx = memoryContext();
const patient = { resourceType: 'Patient', id: 'p1', name: [{ family: 'Doe' }] };

test('read answers the current version with its version and lastUpdated; vread any version', async () => {
  await call(ctx, 'PUT', 'Patient/p1', { body: patient });
  await call(ctx, 'PUT', 'Patient/p1', { body: { ...patient, gender: 'female' } });
  const read = await call(ctx, 'GET', 'Patient/p1');
  assert.equal(read.status, 200);
  assert.equal(read.body?.meta?.versionId, '2');
  assert.equal(read.response?.version?.versionId, '2');
  const first = await call(ctx, 'GET', 'Patient/p1/_history/1');
  assert.equal(first.status, 200);
  assert.equal((first.body as { gender?: string }).gender, undefined);
  assert.equal(first.body?.meta?.versionId, '1');
});

test('an unknown id is 404, an unknown version 404, a deleted resource 410 naming its version', async () => {
  const unknown = await call(ctx, 'GET', 'Patient/nobody');
  assert.equal(unknown.status, 404);
  assert.match(diagnostics(unknown), /Patient\/nobody/);
  assert.equal((await call(ctx, 'GET', 'Patient/p1/_history/9')).status, 404);
  assert.equal((await call(ctx, 'GET', 'Patient/p1/_history/x')).status, 404);
  await call(ctx, 'PUT', 'Patient/gone', { body: { ...patient, id: 'gone' } });
  await call(ctx, 'DELETE', 'Patient/gone');
  const gone = await call(ctx, 'GET', 'Patient/gone');
  assert.equal(gone.status, 410);
  assert.equal((await call(ctx, 'GET', 'Patient/gone/_history/2')).status, 410);
  assert.equal((await call(ctx, 'GET', 'Patient/gone/_history/1')).status, 200);
});

test('If-None-Match with the current ETag, or *, and If-Modified-Since after the last update answer 304', async () => {
  await call(ctx, 'PUT', 'Patient/c1', { body: { ...patient, id: 'c1' } });
  assert.equal((await call(ctx, 'GET', 'Patient/c1', { headers: { 'if-none-match': 'W/"1"' } })).status, 304);
  assert.equal((await call(ctx, 'GET', 'Patient/c1', { headers: { 'if-none-match': '*' } })).status, 304);
  assert.equal((await call(ctx, 'GET', 'Patient/c1', { headers: { 'if-none-match': 'W/"0", W/"1"' } })).status, 304);
  assert.equal((await call(ctx, 'GET', 'Patient/c1', { headers: { 'if-none-match': 'W/"7"' } })).status, 200);
  const later = new Date(Date.now() + 60_000).toUTCString();
  const earlier = new Date(Date.now() - 3_600_000).toUTCString();
  assert.equal((await call(ctx, 'GET', 'Patient/c1', { headers: { 'if-modified-since': later } })).status, 304);
  assert.equal((await call(ctx, 'GET', 'Patient/c1', { headers: { 'if-modified-since': earlier } })).status, 200);
});

test('what the store returns is a copy: changing it changes nothing stored', async () => {
  const read = await call<typeof patient & { resourceType: 'Patient' }>(ctx, 'GET', 'Patient/c1');
  read.body!.name[0].family = 'Changed';
  assert.equal(((await call(ctx, 'GET', 'Patient/c1')).body as typeof patient).name[0].family, 'Doe');
});
