// batch and transaction against the in-memory repository: entries answered one by one or all or nothing, local
// references rewritten, conditional entries, processing order and Prefer. https://hl7.org/fhir/R4/http.html#transaction
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Bundle, BundleEntry } from 'fhir/r4.js';
import { call, diagnostics, searchOf } from '../../testing/fhir-call.js';
import { memoryContext } from '../../testing/memory-context.js';

const ctx = memoryContext();
const bundle = (type: 'batch' | 'transaction', entry: BundleEntry[]) => ({ resourceType: 'Bundle', type, entry });
const post = (body: unknown, headers: Record<string, string> = {}) => call<Bundle>(ctx, 'POST', '', { body, headers });
const patientEntry = (fullUrl: string, family: string): BundleEntry => ({
  fullUrl,
  resource: { resourceType: 'Patient', name: [{ family }] },
  request: { method: 'POST', url: 'Patient' },
});

test('a transaction stores every entry and rewrites references between them', async () => {
  const res = await post(
    bundle('transaction', [
      {
        fullUrl: 'urn:uuid:o',
        resource: { resourceType: 'Observation', status: 'final', code: { text: 'pain' }, subject: { reference: 'urn:uuid:p' } },
        request: { method: 'POST', url: 'Observation' },
      },
      patientEntry('urn:uuid:p', 'Tx'),
    ]),
    { prefer: 'return=representation' },
  );
  assert.equal(res.status, 200);
  assert.equal(res.body!.type, 'transaction-response');
  assert.deepEqual(
    res.body!.entry!.map((e) => e.response?.status),
    ['201 Created', '201 Created'],
  );
  const patientId = res.body!.entry![1].resource!.id;
  assert.equal((res.body!.entry![0].resource as { subject: { reference: string } }).subject.reference, `Patient/${patientId}`);
  assert.match(res.body!.entry![1].response!.location!, new RegExp(`^Patient/${patientId}/_history/1$`));
});

test('a transaction with one failing entry stores nothing and names the entry', async () => {
  const before = (await searchOf(ctx, 'Patient?family=rolled')).total;
  const res = await post(
    bundle('transaction', [
      patientEntry('urn:uuid:a', 'Rolled'),
      {
        resource: { resourceType: 'Patient', gender: 'sometimes' } as unknown as BundleEntry['resource'],
        request: { method: 'POST', url: 'Patient' },
      },
    ]),
  );
  assert.equal(res.status, 400);
  assert.match(diagnostics(res), /^Bundle\.entry\[1\]/);
  assert.equal((await searchOf(ctx, 'Patient?family=rolled')).total, before);
});

test('a stale If-Match in a transaction rolls back the entries before it', async () => {
  await call(ctx, 'PUT', 'Patient/t1', { body: { resourceType: 'Patient', id: 't1' } });
  const res = await post(
    bundle('transaction', [
      { resource: { resourceType: 'Patient', id: 't1', active: true }, request: { method: 'PUT', url: 'Patient/t1' } },
      { resource: { resourceType: 'Patient', id: 't2' }, request: { method: 'PUT', url: 'Patient/t2', ifMatch: 'W/"5"' } },
    ]),
  );
  assert.equal(res.status, 412);
  assert.equal((await call(ctx, 'GET', 'Patient/t1')).body?.meta?.versionId, '1');
  assert.equal((await call(ctx, 'GET', 'Patient/t2')).status, 404);
});

test('transaction: conditional create finds its match, duplicate fullUrls and dangling urn references are refused', async () => {
  await call(ctx, 'POST', 'Patient', { body: { resourceType: 'Patient', identifier: [{ system: 'urn:t', value: 'x' }] } });
  const matched = await post(
    bundle('transaction', [
      {
        fullUrl: 'urn:uuid:m',
        resource: { resourceType: 'Patient', identifier: [{ system: 'urn:t', value: 'x' }] },
        request: { method: 'POST', url: 'Patient', ifNoneExist: 'identifier=urn:t|x' },
      },
    ]),
  );
  assert.equal(matched.body!.entry![0].response!.status, '200 OK');
  const dup = await post(bundle('transaction', [patientEntry('urn:uuid:d', 'D'), patientEntry('urn:uuid:d', 'D')]));
  assert.equal(dup.status, 400);
  assert.match(diagnostics(dup), /appears more than once/);
  const dangling = await post(
    bundle('transaction', [
      {
        resource: { resourceType: 'Observation', status: 'final', code: { text: 'x' }, subject: { reference: 'urn:uuid:nowhere' } },
        request: { method: 'POST', url: 'Observation' },
      },
    ]),
  );
  assert.equal(dangling.status, 400);
  assert.match(diagnostics(dangling), /urn:uuid:nowhere/);
});

test("a batch answers each entry on its own: failures become that entry's outcome", async () => {
  const res = await post(
    bundle('batch', [
      patientEntry('urn:uuid:b1', 'Batch'),
      { request: { method: 'GET', url: 'Patient/none' } },
      {
        resource: { resourceType: 'Patient', gender: 'sometimes' } as unknown as BundleEntry['resource'],
        request: { method: 'POST', url: 'Patient' },
      },
    ]),
  );
  assert.equal(res.status, 200);
  assert.equal(res.body!.type, 'batch-response');
  assert.deepEqual(
    res.body!.entry!.map((e) => e.response!.status),
    ['201 Created', '404', '400'],
  );
  assert.equal(res.body!.entry![1].response!.outcome!.resourceType, 'OperationOutcome');
  assert.equal((await searchOf(ctx, 'Patient?family=batch')).total, 1);
});

test('Prefer: entries answer minimally by default, with the resource or an OperationOutcome when asked', async () => {
  const entries = [patientEntry('urn:uuid:q', 'Prefer')];
  assert.equal((await post(bundle('batch', entries))).body!.entry![0].resource, undefined);
  assert.equal(
    (await post(bundle('batch', entries), { prefer: 'return=representation' })).body!.entry![0].resource!.resourceType,
    'Patient',
  );
  assert.equal(
    (await post(bundle('batch', entries), { prefer: 'return=OperationOutcome' })).body!.entry![0].resource!.resourceType,
    'OperationOutcome',
  );
});

test('what is not a batch or transaction Bundle is refused', async () => {
  assert.match(diagnostics(await post({ resourceType: 'Patient' })), /takes a Bundle/);
  assert.match(diagnostics(await post({ resourceType: 'Bundle', type: 'collection' })), /batch or transaction/);
  assert.match(diagnostics(await post({ resourceType: 'Bundle', type: 'batch', entry: {} })), /must be an array/);
  const noMethod = await post(bundle('transaction', [{ request: { url: 'Patient' } } as BundleEntry]));
  assert.equal(noMethod.status, 400);
  assert.match(diagnostics(noMethod), /request\.method/);
});
