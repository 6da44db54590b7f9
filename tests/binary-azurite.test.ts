// Binary content in Azure Blob Storage (a real Azurite started here): the document round trip, the objects in the
// container, and old versions' content kept through an update and a delete. https://hl7.org/fhir/R4/binary.html
import assert from 'node:assert/strict';
import { BlobServiceClient } from '@azure/storage-blob';
import { after, before, test } from 'node:test';
import { startAzurite, type Azurite } from './support/azurite.js';
import { documentRoundTrip, pdf, png, rawGet } from './support/binary-documents.js';
import { FHIR_JSON, startTestServer, type TestServer } from './support/test-server.js';

let azurite: Azurite;
let s: TestServer;
const CONTAINER = 'binary-test';

const blobNames = async () => {
  const container = BlobServiceClient.fromConnectionString(azurite.connectionString).getContainerClient(CONTAINER);
  if (!(await container.exists())) return [];
  const names: string[] = [];
  for await (const b of container.listBlobsFlat({ prefix: 'binary/' })) names.push(b.name);
  return names;
};

before(async () => {
  azurite = await startAzurite();
  s = await startTestServer({
    BLOB_CONNECTION_STRING: azurite.connectionString,
    BLOB_CONTAINER: CONTAINER,
    BINARY_INLINE_MAX_BYTES: '1024',
  });
  await s.http.put('/fhir/Patient/p1').set('Content-Type', FHIR_JSON).send({ resourceType: 'Patient', id: 'p1' }).expect(201);
});
after(async () => {
  await s?.close();
  await azurite?.stop();
});

test('a PNG and a PDF uploaded raw into the Blob container, linked from a DocumentReference, read back byte-identical', async () => {
  const before = (await blobNames()).length;
  await documentRoundTrip(s.http, 'p1');
  assert.equal((await blobNames()).length, before + 2, 'one object per uploaded file');
});

test('JSON Binary past the inline limit is stored in the container; versions keep their content after a delete', async () => {
  const v1 = png(50, 9);
  const created = await s.http
    .post('/fhir/Binary')
    .set('Content-Type', FHIR_JSON)
    .send({ resourceType: 'Binary', contentType: 'image/png', data: v1.toString('base64') });
  assert.equal(created.status, 201, created.text);
  const id = created.body.id as string;
  const v2 = pdf(50);
  assert.equal((await s.http.put(`/fhir/Binary/${id}`).set('Content-Type', 'application/pdf').send(v2)).status, 200);
  assert.equal((await s.http.delete(`/fhir/Binary/${id}`)).status, 204);
  const first = await rawGet(s.http, `Binary/${id}/_history/1`);
  assert.equal(first.headers['content-type'], 'image/png');
  assert.ok(first.body.equals(v1));
  const second = await s.http.get(`/fhir/Binary/${id}/_history/2`);
  assert.ok(Buffer.from(second.body.data, 'base64').equals(v2));
});

test('an upload over BINARY_MAX_BYTES leaves no object behind', async () => {
  const before = await blobNames();
  const res = await s.http
    .post('/fhir/Binary')
    .set('Content-Type', 'application/octet-stream')
    .send(Buffer.alloc(20 * 1024 * 1024 + 1));
  assert.equal(res.status, 413, res.text);
  assert.deepEqual(await blobNames(), before);
});
