// capabilities: the CapabilityStatement generated from the route table, definitions and profiles; mode and the
// shaping parameters. https://hl7.org/fhir/R4/http.html#capabilities
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CapabilityStatement } from 'fhir/r4.js';
import { call, diagnostics } from '../../testing/fhir-call.js';
import { memoryContext } from '../../testing/memory-context.js';

const ctx = memoryContext();

test('the statement lists every type with the interactions the router serves, and the system interactions', async () => {
  const res = await call<CapabilityStatement>(ctx, 'GET', 'metadata');
  assert.equal(res.status, 200);
  const rest = res.body!.rest![0];
  assert.equal(res.body!.fhirVersion, '4.0.1');
  assert.equal(rest.resource!.length, ctx.defs.resourceTypes.length);
  const patient = rest.resource!.find((r) => r.type === 'Patient')!;
  assert.deepEqual(patient.interaction!.map((i) => i.code).sort(), [
    'create',
    'delete',
    'history-instance',
    'history-type',
    'patch',
    'read',
    'search-type',
    'update',
    'vread',
  ]);
  assert.equal(patient.conditionalDelete, 'single');
  assert.ok(patient.searchParam!.some((p) => p.name === 'family'));
  assert.ok(patient.operation!.some((o) => o.name === 'everything'));
  assert.deepEqual(rest.interaction!.map((i) => i.code).sort(), ['batch', 'history-system', 'transaction']);
  assert.equal(rest.security, undefined, 'no SMART security without oauth URIs');
});

test('the access policy and oauth URIs shape it when given', async () => {
  const smart = {
    ...memoryContext(),
    capability: {
      oauthUris: { authorize: 'a', token: 't', introspect: 'i', revoke: 'r' },
      refusedToEveryToken: (type: string, code: string) => type === 'AuditEvent' && !['read', 'search-type', 'vread'].includes(code),
    },
  };
  const rest = (await call<CapabilityStatement>(smart, 'GET', 'metadata')).body!.rest![0];
  assert.match(JSON.stringify(rest.security), /SMART-on-FHIR/);
  const audit = rest.resource!.find((r) => r.type === 'AuditEvent')!;
  assert.equal(
    audit.interaction!.some((i) => i.code === 'create'),
    false,
  );
  assert.equal(audit.updateCreate, false);
});

test('mode=terminology answers the TerminologyCapabilities statement, an unknown mode is refused', async () => {
  const terminology = await call<{ resourceType: string; kind: string }>(ctx, 'GET', 'metadata?mode=terminology');
  assert.equal(terminology.status, 200);
  assert.equal(terminology.body!.resourceType, 'TerminologyCapabilities');
  assert.equal(terminology.body!.kind, 'instance');
  const bad = await call(ctx, 'GET', 'metadata?mode=partial');
  assert.equal(bad.status, 400);
  assert.match(diagnostics(bad), /mode must be/);
  assert.equal((await call(ctx, 'GET', 'metadata?mode=normative')).status, 200);
});
