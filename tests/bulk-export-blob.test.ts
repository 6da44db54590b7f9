// Bulk Data $export to Azure Blob Storage (a real Azurite started here) under SMART Backend Services: files land in
// the one container and are downloaded through the server with the exporting client's token (requiresAccessToken);
// a token exports only what it may read; refused tokens and other clients get nothing.
// https://hl7.org/fhir/uv/bulkdata/export.html
import assert from 'node:assert/strict';
import { BlobServiceClient } from '@azure/storage-blob';
import { after, before, test } from 'node:test';
import { startAzurite, type Azurite } from './support/azurite.js';
import { downloadAll, fhirPath, idsOf, kickOff, manifestOf } from './support/bulk-export.js';
import { backendServicesToken, registerBackendClient } from './support/smart-tokens.js';
import { FHIR_JSON, startTestServer, type TestServer } from './support/test-server.js';

let azurite: Azurite;
let server: TestServer;
let token: string;
const CONTAINER = 'exports-test';

const blobNames = async () => {
  const container = BlobServiceClient.fromConnectionString(azurite.connectionString).getContainerClient(CONTAINER);
  const names: string[] = [];
  for await (const b of container.listBlobsFlat()) names.push(b.name);
  return names;
};

before(async () => {
  azurite = await startAzurite();
  server = await startTestServer({
    AUTH_MODE: 'smart',
    BLOB_CONNECTION_STRING: azurite.connectionString,
    BLOB_CONTAINER: CONTAINER,
    EXPORT_FILE_MAX_BYTES: '2000',
    EXPORT_SETTLE_MS: '100',
    EXPORT_POLL_MS: '200',
  });
  const writer = await registerBackendClient(server, 'system/*.cruds');
  const writeToken = (await backendServicesToken(server, { clientId: writer.client.clientId, key: writer.key, scope: 'system/*.cruds' }))
    .access_token;
  const put = async (resource: { resourceType: string; id: string }) => {
    const res = await server.http
      .put(`/fhir/${resource.resourceType}/${resource.id}`)
      .set({ 'Content-Type': FHIR_JSON, Authorization: `Bearer ${writeToken}` })
      .send(resource);
    assert.ok(res.status === 201 || res.status === 200, res.text);
  };
  await put({ resourceType: 'Patient', id: 'z1' });
  for (let i = 0; i < 20; i++) {
    await put({
      resourceType: 'Observation',
      id: `o${i}`,
      status: 'final',
      code: { text: 'pain' },
      subject: { reference: 'Patient/z1' },
    } as never);
  }
  const reader = await registerBackendClient(server, 'system/*.rs');
  token = (await backendServicesToken(server, { clientId: reader.client.clientId, key: reader.key, scope: 'system/*.rs' })).access_token;
});

after(async () => {
  await server?.close();
  await azurite?.stop();
});

test('system/*.rs: the export is written to the Blob container and downloaded through the server with the token', async () => {
  const status = await kickOff(server, '$export?_type=Patient,Observation', { token });
  const manifest = await manifestOf(server, status, token);
  assert.equal(manifest.requiresAccessToken, true);
  const jobId = fhirPath(status).split('/').pop()!;
  const names = await blobNames();
  assert.deepEqual(
    names.filter((n) => n.startsWith(`${jobId}/`)).sort(),
    manifest.output.map((f) => `${jobId}/${f.url.split('/').pop()}`).sort(),
  );
  assert.ok(manifest.output.filter((f) => f.type === 'Observation').length > 1, 'split at EXPORT_FILE_MAX_BYTES');
  const files = await downloadAll(server, manifest, token);
  assert.deepEqual(idsOf(files.get('Observation')), Array.from({ length: 20 }, (_, i) => `o${i}`).sort());
  assert.deepEqual(idsOf(files.get('Patient')), ['z1']);

  // Without a token: 401; another client's token: its status and files are unknown (404).
  const file = fhirPath(manifest.output[0].url);
  assert.equal((await server.http.get(file)).status, 401);
  const other = await registerBackendClient(server, 'system/*.rs');
  const otherToken = (await backendServicesToken(server, { clientId: other.client.clientId, key: other.key, scope: 'system/*.rs' }))
    .access_token;
  assert.equal((await server.http.get(file).set('Authorization', `Bearer ${otherToken}`)).status, 404);
  assert.equal((await server.http.get(fhirPath(status)).set('Authorization', `Bearer ${otherToken}`)).status, 404);
  assert.equal((await server.http.delete(fhirPath(status)).set('Authorization', `Bearer ${otherToken}`)).status, 404);

  // DELETE by its own client removes the blobs.
  assert.equal((await server.http.delete(fhirPath(status)).set('Authorization', `Bearer ${token}`)).status, 202);
  assert.deepEqual(
    (await blobNames()).filter((n) => n.startsWith(`${jobId}/`)),
    [],
  );
});

test('a token exports only what it may read: _type beyond its scopes is 403, without _type only its types are written', async () => {
  const narrow = await registerBackendClient(server, 'system/Observation.rs');
  const obsToken = (
    await backendServicesToken(server, { clientId: narrow.client.clientId, key: narrow.key, scope: 'system/Observation.rs' })
  ).access_token;
  const refused = await server.http
    .get('/fhir/$export?_type=Patient')
    .set({ Prefer: 'respond-async', Authorization: `Bearer ${obsToken}` });
  assert.equal(refused.status, 403);
  assert.equal(refused.body.resourceType, 'OperationOutcome');
  assert.match(refused.body.issue[0].diagnostics, /Patient/);
  const manifest = await manifestOf(server, await kickOff(server, '$export', { token: obsToken }), obsToken);
  assert.deepEqual([...new Set(manifest.output.map((f) => f.type))], ['Observation']);

  // A token with no read scope at all cannot start one.
  const writeOnly = await registerBackendClient(server, 'system/Observation.c');
  const cToken = (
    await backendServicesToken(server, { clientId: writeOnly.client.clientId, key: writeOnly.key, scope: 'system/Observation.c' })
  ).access_token;
  const none = await server.http.get('/fhir/$export').set({ Prefer: 'respond-async', Authorization: `Bearer ${cToken}` });
  assert.equal(none.status, 403);
  assert.equal((await server.http.get('/fhir/$export').set({ Prefer: 'respond-async' })).status, 401);
});

test('the CapabilityStatement instantiates the Bulk Data server and lists $export at system, Patient and Group level', async () => {
  const cs = (await server.http.get('/fhir/metadata')).body;
  assert.ok(cs.instantiates.includes('http://hl7.org/fhir/uv/bulkdata/CapabilityStatement/bulk-data'));
  assert.ok(cs.rest[0].operation.some((o: { name: string }) => o.name === 'export'));
  for (const type of ['Patient', 'Group']) {
    const entry = cs.rest[0].resource.find((r: { type: string }) => r.type === type);
    assert.ok(
      entry.operation.some(
        (o: { name: string; definition: string }) => o.name === 'export' && o.definition.includes(`${type.toLowerCase()}-export`),
      ),
      type,
    );
  }
});
