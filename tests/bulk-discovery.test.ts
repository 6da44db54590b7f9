// What a Bulk Data client discovers before its first export: the CapabilityStatement instantiates the Bulk Data
// server CapabilityStatement and names the three $export operations by their OperationDefinitions; SMART discovery
// offers Backend Services (client_credentials, private_key_jwt with RS384/ES384, system/ scopes).
// https://hl7.org/fhir/uv/bulkdata/CapabilityStatement-bulk-data.html, https://hl7.org/fhir/smart-app-launch/backend-services.html
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { CapabilityStatement } from 'fhir/r4.js';
import { startTestServer, type TestServer } from './support/test-server.js';

let s: TestServer;
before(async () => {
  s = await startTestServer({ AUTH_MODE: 'smart' });
});
after(async () => {
  await s?.close();
});

const BULK = 'http://hl7.org/fhir/uv/bulkdata';

test('the CapabilityStatement instantiates the Bulk Data server and declares $export at system, Patient and Group level', async () => {
  const res = await s.http.get('/fhir/metadata');
  assert.equal(res.status, 200);
  const cs = res.body as CapabilityStatement;
  // The Subscriptions Backport server is instantiated as well (subscriptions/): only the Bulk Data entry is asked here.
  assert.ok(cs.instantiates?.includes(`${BULK}/CapabilityStatement/bulk-data`), JSON.stringify(cs.instantiates));
  const rest = cs.rest![0];
  assert.deepEqual(
    rest.operation?.filter((o) => o.name === 'export'),
    [{ name: 'export', definition: `${BULK}/OperationDefinition/export` }],
  );
  const operationsOf = (type: string) => rest.resource!.find((r) => r.type === type)!.operation ?? [];
  assert.deepEqual(
    operationsOf('Patient').filter((o) => o.name === 'export'),
    [{ name: 'export', definition: `${BULK}/OperationDefinition/patient-export` }],
  );
  assert.deepEqual(
    operationsOf('Group').filter((o) => o.name === 'export'),
    [{ name: 'export', definition: `${BULK}/OperationDefinition/group-export` }],
  );
  assert.ok(!rest.operation.some((o) => o.name === 'export-status'), 'the status URL is no operation of its own');
  const group = rest.resource!.find((r) => r.type === 'Group')!;
  for (const code of ['create', 'read', 'update', 'delete', 'search-type'])
    assert.ok(
      group.interaction!.some((i) => i.code === code),
      `Group ${code}`,
    );
  assert.equal(rest.security?.service?.[0].coding?.[0].code, 'SMART-on-FHIR');
});

test('SMART discovery offers what a Backend Services bulk client needs', async () => {
  const res = await s.http.get('/fhir/.well-known/smart-configuration');
  assert.equal(res.status, 200);
  const config = res.body as Record<string, string[] | string>;
  assert.match(config.token_endpoint as string, /\/auth\/token$/);
  assert.ok((config.grant_types_supported as string[]).includes('client_credentials'));
  assert.ok((config.token_endpoint_auth_methods_supported as string[]).includes('private_key_jwt'));
  assert.ok(['RS384', 'ES384'].every((alg) => (config.token_endpoint_auth_signing_alg_values_supported as string[]).includes(alg)));
  assert.ok((config.capabilities as string[]).includes('client-confidential-asymmetric'));
  for (const scope of ['system/*.rs', 'system/*.read']) assert.ok((config.scopes_supported as string[]).includes(scope), scope);
});
