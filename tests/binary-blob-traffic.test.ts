// What Binary interactions ask of the blob store (a real Azurite behind a proxy that records each request): content
// is downloaded only for what a token may see and an answer carries, never for counts, 304s, lock reads or the
// answer to a raw upload; a write that is refused or fails leaves no object behind; large base64 written in lines
// goes to the blob store like any other and reads back as written. https://hl7.org/fhir/R4/binary.html
import assert from 'node:assert/strict';
import { after, before, beforeEach, test } from 'node:test';
import { startAzurite, type Azurite } from './support/azurite.js';
import { blobTraffic, type BlobTraffic } from './support/blob-traffic.js';
import { pdf, png, rawGet } from './support/binary-documents.js';
import { as, assertForbidden, startFixture, type Fixture } from './resource-server-fixture.js';

let azurite: Azurite;
let traffic: BlobTraffic;
let f: Fixture;
const bin: Record<string, string> = {};
const CONTAINER = 'traffic-test';

const raw = (token: string, body: Buffer, type: string, context?: string) =>
  f.server.http
    .post('/fhir/Binary')
    .set({ Authorization: `Bearer ${token}`, 'Content-Type': type, ...(context ? { 'X-Security-Context': context } : {}) })
    .send(body);

before(async () => {
  azurite = await startAzurite();
  traffic = await blobTraffic(azurite.connectionString, CONTAINER);
  f = await startFixture({ BLOB_CONNECTION_STRING: traffic.connectionString, BLOB_CONTAINER: CONTAINER, BINARY_INLINE_MAX_BYTES: '256' });
  for (const [name, context] of [
    ['a', 'Patient/a'],
    ['b', 'Patient/b'],
  ] as const) {
    const res = await raw(f.system, png(40, name.length), 'image/png', context);
    assert.equal(res.status, 201, res.text);
    bin[name] = res.body.id;
  }
});
beforeEach(() => traffic?.reset());
after(async () => {
  await f?.server.close();
  await traffic?.close();
  await azurite?.stop();
});

const downloads = () => traffic.names('GET');

test('a search downloads the content of the Binaries the token may see only; counts download none', async () => {
  const { access_token: a } = await f.patientToken('a', 'patient/*.cruds');
  const search = await as(f.server, a).get(`Binary?_id=${bin.a},${bin.b}`);
  assert.equal(search.status, 200, search.text);
  assert.deepEqual(
    search.body.entry.map((e: { resource: { id: string } }) => e.resource.id),
    [bin.a],
  );
  assert.equal(downloads().length, 1, `one download, of Patient/a's Binary: ${JSON.stringify(traffic.requests)}`);
  traffic.reset();
  for (const query of [`Binary?_id=${bin.a},${bin.b}&_summary=count`, `Binary?_id=${bin.a},${bin.b}&_total=accurate&_count=0`]) {
    const count = await as(f.server, a).get(query);
    assert.equal(count.status, 200, count.text);
    assert.equal(count.body.total, 1, query);
  }
  const { access_token: system } = await f.backendToken('system/*.rs');
  assert.equal((await as(f.server, system).get('Binary?_summary=count')).status, 200);
  assert.deepEqual(downloads(), [], 'a count touches no content');
});

test('a 304, a raw read and an update download no more than the answer needs', async () => {
  const { access_token: a } = await f.patientToken('a', 'patient/*.cruds');
  const etag = (await as(f.server, a).get(`Binary/${bin.a}`).set('Accept', 'application/fhir+json')).headers.etag;
  traffic.reset();
  const notModified = await as(f.server, a).get(`Binary/${bin.a}`).set({ 'If-None-Match': etag, Accept: 'image/png' });
  assert.equal(notModified.status, 304);
  assert.deepEqual(downloads(), [], 'a 304 sends no content');
  const bytes = await rawGet(f.server.http, `Binary/${bin.a}`, { Authorization: `Bearer ${a}` });
  assert.ok(bytes.body.equals(png(40, 1)));
  assert.equal(downloads().length, 1, 'a raw read streams the content once');
  traffic.reset();
  const own = await raw(a, pdf(20), 'application/pdf', 'Patient/a');
  assert.equal(own.status, 201, own.text);
  assert.ok(Buffer.from(own.body.data, 'base64').equals(pdf(20)), 'the answer carries the uploaded bytes');
  const replaced = await f.server.http
    .put(`/fhir/Binary/${own.body.id}`)
    .set({ Authorization: `Bearer ${a}`, 'Content-Type': 'application/pdf', 'X-Security-Context': 'Patient/a' })
    .send(pdf(21));
  assert.equal(replaced.status, 200, replaced.text);
  assert.deepEqual(downloads(), [], 'neither the answer to an upload nor the lock read of an update downloads content');
});

test('a refused raw upload leaves no object; a refused JSON write uploads none', async () => {
  const { access_token: a } = await f.patientToken('a', 'patient/*.cruds');
  assertForbidden(await raw(a, pdf(30), 'application/pdf', 'Patient/b'), /Binary\/.*securityContext Patient\/b/);
  const uploaded = [...new Set(traffic.names('PUT'))];
  assert.equal(uploaded.length, 1, 'a raw upload is streamed before the write is judged');
  assert.deepEqual([...new Set(traffic.names('DELETE'))], uploaded, 'and removed when the write is refused');
  traffic.reset();
  const json = {
    resourceType: 'Binary',
    contentType: 'application/pdf',
    securityContext: { reference: 'Patient/b' },
    data: pdf(30).toString('base64'),
  };
  assertForbidden(await as(f.server, a).post('Binary', json), /securityContext Patient\/b/);
  const stale = await as(f.server, a)
    .put(`Binary/${bin.a}`, { ...json, id: bin.a, securityContext: { reference: 'Patient/a' } })
    .set('If-Match', 'W/"99"');
  assert.equal(stale.status, 412, stale.text);
  assert.deepEqual(traffic.names('PUT'), [], 'content of a write refused (403) or stale (412) is never uploaded');
});

test('a raw update refused after its body was streamed (403, 412) leaves no object: the upload is removed again', async () => {
  const { access_token: a } = await f.patientToken('a', 'patient/*.cruds');
  const rawPut = (id: string, headers: Record<string, string> = {}) =>
    f.server.http
      .put(`/fhir/Binary/${id}`)
      .set({ Authorization: `Bearer ${a}`, 'Content-Type': 'application/pdf', 'X-Security-Context': 'Patient/a', ...headers })
      .send(pdf(31));
  // Binary b is Patient/b's as stored: a's token may not replace it, whatever the new securityContext says.
  assertForbidden(await rawPut(bin.b), /securityContext Patient\/b/);
  const refused = [...new Set(traffic.names('PUT'))];
  assert.equal(refused.length, 1, 'streamed to the blob store before the write was judged');
  assert.deepEqual([...new Set(traffic.names('DELETE'))], refused, 'and removed once it was refused');
  traffic.reset();
  const stale = await rawPut(bin.a, { 'If-Match': 'W/"99"' });
  assert.equal(stale.status, 412, stale.text);
  const staleUpload = [...new Set(traffic.names('PUT'))];
  assert.equal(staleUpload.length, 1);
  assert.deepEqual([...new Set(traffic.names('DELETE'))], staleUpload, 'removed after the 412 too');
  const { access_token: system } = await f.backendToken('system/*.rs');
  const still = await rawGet(f.server.http, `Binary/${bin.b}`, { Authorization: `Bearer ${system}` });
  assert.ok(still.body.equals(png(40, 1)), 'Binary b keeps its content');
});

test('a transaction that fails after a large Binary entry leaves no object; one that commits keeps exactly its own', async () => {
  const big = {
    resourceType: 'Binary',
    contentType: 'application/pdf',
    securityContext: { reference: 'Patient/a' },
    data: pdf(30).toString('base64'),
  };
  const observation = { resourceType: 'Observation', id: 'oa1', status: 'final', code: { text: 'x' }, subject: { reference: 'Patient/a' } };
  const stale = await as(f.server, f.system).post('', {
    resourceType: 'Bundle',
    type: 'transaction',
    entry: [
      { resource: big, request: { method: 'POST', url: 'Binary' } },
      { resource: observation, request: { method: 'PUT', url: 'Observation/oa1', ifMatch: 'W/"99"' } },
    ],
  });
  assert.equal(stale.status, 412, stale.text);
  assert.deepEqual(traffic.names('PUT'), [], 'nothing uploaded for a transaction that failed');
  traffic.reset();
  const good = await as(f.server, f.system).post('', {
    resourceType: 'Bundle',
    type: 'transaction',
    entry: [{ resource: big, request: { method: 'POST', url: 'Binary' } }],
  });
  assert.equal(good.status, 200, good.text);
  const uploaded = [...new Set(traffic.names('PUT'))];
  assert.equal(uploaded.length, 1, 'the content goes up once, before the transaction commits');
  const read = await as(f.server, f.system).get(good.body.entry[0].response.location.replace(/\/_history\/.*$/, ''));
  assert.equal(read.body.data, big.data);
  assert.deepEqual(traffic.names('DELETE'), []);
});

test('large base64 written in lines goes to the blob store and reads back as written', async () => {
  const text = pdf(30)
    .toString('base64')
    .match(/.{1,76}/g)!
    .join(' ');
  const created = await as(f.server, f.system).post('Binary', { resourceType: 'Binary', contentType: 'application/pdf', data: text });
  assert.equal(created.status, 201, created.text);
  assert.equal([...new Set(traffic.names('PUT'))].length, 1, 'past BINARY_INLINE_MAX_BYTES, whitespace or not');
  const read = await as(f.server, f.system).get(`Binary/${created.body.id}`);
  assert.equal(read.body.data, text);
  const bytes = await rawGet(f.server.http, `Binary/${created.body.id}`, { Authorization: `Bearer ${f.system}` });
  assert.ok(bytes.body.equals(pdf(30)));
});
