// Binary with its content in the local blob folder (no BLOB_CONNECTION_STRING): JSON and raw create, update, read,
// vread, history and delete, the inline limit, size and content type refusals. https://hl7.org/fhir/R4/binary.html
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Binary, Bundle } from 'fhir/r4.js';
import { documentRoundTrip, pdf, png, rawGet } from './support/binary-documents.js';
import { FHIR_JSON, startTestServer, type TestServer } from './support/test-server.js';

let s: TestServer;
let dir: string;
const INLINE_MAX = 1000;
const MAX = 200_000;
const blobFiles = () => {
  try {
    return readdirSync(join(dir, 'binary'));
  } catch {
    return [];
  }
};
const json = (body: unknown) => ({ 'Content-Type': FHIR_JSON, body });
const post = (b: { 'Content-Type': string; body: unknown }) =>
  s.http
    .post('/fhir/Binary')
    .set('Content-Type', b['Content-Type'])
    .send(b.body as object);

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'binary-test-'));
  s = await startTestServer({
    BLOB_DIR: dir,
    BINARY_INLINE_MAX_BYTES: String(INLINE_MAX),
    BINARY_MAX_BYTES: String(MAX),
    BINARY_PAGE_MAX_BYTES: String(3 * MAX),
  });
  await s.http.put('/fhir/Patient/p1').set('Content-Type', FHIR_JSON).send({ resourceType: 'Patient', id: 'p1' }).expect(201);
});
after(async () => {
  await s?.close();
  rmSync(dir, { recursive: true, force: true });
});

test('small content stays in the resource row; large content goes to the blob folder and the row keeps a reference', async () => {
  const small = Buffer.from('pain 4/10');
  const r1 = await post(json({ resourceType: 'Binary', contentType: 'text/plain', data: small.toString('base64') }));
  assert.equal(r1.status, 201, r1.text);
  const before = blobFiles().length;
  const big = png(40);
  assert.ok(big.length > INLINE_MAX);
  const r2 = await post(json({ resourceType: 'Binary', contentType: 'image/png', data: big.toString('base64') }));
  assert.equal(r2.status, 201, r2.text);
  assert.ok(Buffer.from(r2.body.data, 'base64').equals(big));
  assert.equal(blobFiles().length, before + 1);
  const stored = async (id: string) =>
    String(
      (await s.sql<{ content: string }[]>('SELECT content FROM resource_history WHERE res_type = ? AND res_id = ?', ['Binary', id]))[0]
        .content,
    );
  assert.match(await stored(r1.body.id), /"data"/);
  assert.doesNotMatch(await stored(r2.body.id), /"data"/);
  assert.match(await stored(r2.body.id), /binary-blob-content/);
  const read = await s.http.get(`/fhir/Binary/${r2.body.id}`);
  assert.equal(read.status, 200);
  assert.equal(read.body.data, big.toString('base64'));
  assert.equal(read.body._data, undefined);
});

test('a PNG and a PDF uploaded raw, linked from a DocumentReference, read back byte-identical', async () => {
  await documentRoundTrip(s.http, 'p1');
});

test("raw update, vread and history keep every version's content, and a delete loses none", async () => {
  const v1 = png(60, 1);
  const v2 = pdf(300);
  const created = await s.http.post('/fhir/Binary').set('Content-Type', 'image/png').send(v1);
  assert.equal(created.status, 201, created.text);
  const id = created.body.id as string;
  const updated = await s.http.put(`/fhir/Binary/${id}`).set({ 'Content-Type': 'application/pdf', 'If-Match': 'W/"1"' }).send(v2);
  assert.equal(updated.status, 200, updated.text);
  assert.equal(updated.body.meta.versionId, '2');
  const stale = await s.http.put(`/fhir/Binary/${id}`).set({ 'Content-Type': 'application/pdf', 'If-Match': 'W/"1"' }).send(v2);
  assert.equal(stale.status, 412, stale.text);

  const current = await rawGet(s.http, `Binary/${id}`);
  assert.equal(current.headers['content-type'], 'application/pdf');
  assert.equal(current.headers.etag, 'W/"2"');
  assert.ok(current.body.equals(v2));
  assert.equal((await s.http.delete(`/fhir/Binary/${id}`)).status, 204);
  assert.equal((await s.http.get(`/fhir/Binary/${id}`)).status, 410);
  const old = await rawGet(s.http, `Binary/${id}/_history/1`, {}, 'image/png');
  assert.equal(old.status, 200);
  assert.equal(old.headers['content-type'], 'image/png');
  assert.ok(old.body.equals(v1), 'vread of version 1 after the delete');
  const history = await s.http.get(`/fhir/Binary/${id}/_history`);
  assert.equal(history.status, 200, history.text);
  const versions = (history.body as Bundle).entry!.map((e) => e.resource as Binary | undefined);
  assert.equal(versions.length, 3);
  assert.ok(Buffer.from(versions[1]!.data!, 'base64').equals(v2));
  assert.ok(Buffer.from(versions[2]!.data!, 'base64').equals(v1));
});

test('a JSON read of a Binary gives FHIR JSON; Accept without a FHIR type gives the bytes; _format wins', async () => {
  const body = png(30, 3);
  const { body: created } = await s.http.post('/fhir/Binary').set('Content-Type', 'image/png').send(body);
  const asJson = await s.http.get(`/fhir/Binary/${created.id}`);
  assert.match(asJson.headers['content-type'], /application\/fhir\+json/);
  const raw = await rawGet(s.http, `Binary/${created.id}`, {}, 'image/*');
  assert.equal(raw.headers['content-type'], 'image/png');
  assert.equal(raw.headers['content-disposition'], `inline; filename="Binary-${created.id}"`);
  assert.match(raw.headers['content-security-policy'], /sandbox/);
  const formatted = await s.http.get(`/fhir/Binary/${created.id}?_format=json`).set('Accept', 'image/png');
  assert.equal(formatted.status, 200);
  assert.equal(formatted.body.resourceType, 'Binary');
  const notModified = await s.http.get(`/fhir/Binary/${created.id}`).set({ Accept: 'image/png', 'If-None-Match': 'W/"1"' });
  assert.equal(notModified.status, 304);
});

test('search returns Binaries with their content, within BINARY_PAGE_MAX_BYTES per page', async () => {
  const ids: string[] = [];
  for (let i = 0; i < 4; i++)
    ids.push(
      (
        await s.http
          .post('/fhir/Binary')
          .set('Content-Type', 'application/octet-stream')
          .send(Buffer.alloc(MAX - 10, i))
      ).body.id,
    );
  const one = await s.http.get(`/fhir/Binary?_id=${ids[0]}`);
  assert.equal(one.status, 200, one.text);
  assert.equal(Buffer.from(one.body.entry[0].resource.data, 'base64').length, MAX - 10);
  const all = await s.http.get(`/fhir/Binary?_id=${ids.join(',')}`);
  assert.equal(all.status, 413, all.text);
  assert.match(all.body.issue[0].diagnostics, /BINARY_PAGE_MAX_BYTES.*_count/);
});

test('content over BINARY_MAX_BYTES is refused with 413, raw or base64, and nothing is stored', async () => {
  const files = blobFiles().length;
  const raw = await s.http
    .post('/fhir/Binary')
    .set('Content-Type', 'application/pdf')
    .send(Buffer.alloc(MAX + 1));
  assert.equal(raw.status, 413, raw.text);
  assert.equal(raw.body.resourceType, 'OperationOutcome');
  assert.match(raw.body.issue[0].diagnostics, new RegExp(String(MAX)));
  const b64 = await post(json({ resourceType: 'Binary', contentType: 'application/pdf', data: Buffer.alloc(MAX + 1).toString('base64') }));
  assert.equal(b64.status, 413, b64.text);
  assert.equal(blobFiles().length, files);
});

test('bad content types are refused with an OperationOutcome naming them', async () => {
  for (const [type, status] of [
    ['text/html', 415],
    ['image/svg+xml', 415],
    ['application/javascript', 415],
  ] as const) {
    const raw = await s.http.post('/fhir/Binary').set('Content-Type', type).send('<script>alert(1)</script>');
    assert.equal(raw.status, status, raw.text);
    assert.match(raw.body.issue[0].diagnostics, new RegExp(type.replace('+', '\\+')));
    const asJson = await post(json({ resourceType: 'Binary', contentType: type, data: 'PHNjcmlwdD4=' }));
    assert.equal(asJson.status, status, asJson.text);
    assert.deepEqual(asJson.body.issue[0].expression, ['Binary.contentType']);
  }
  const malformed = await post(json({ resourceType: 'Binary', contentType: 'pdf', data: 'AAAA' }));
  assert.equal(malformed.status, 400, malformed.text);
  assert.match(malformed.body.issue[0].diagnostics, /'pdf' is not a media type/);
  const badContext = await s.http
    .post('/fhir/Binary')
    .set({ 'Content-Type': 'application/pdf', 'X-Security-Context': 'http://evil/x' })
    .send(pdf(1));
  assert.equal(badContext.status, 400, badContext.text);
  assert.match(badContext.body.issue[0].diagnostics, /X-Security-Context/);
});

test("a client cannot point a Binary at stored content with the server's blob extension", async () => {
  const { body: victim } = await s.http.post('/fhir/Binary').set('Content-Type', 'application/pdf').send(pdf(200));
  const rows = blobFiles();
  const forged = {
    resourceType: 'Binary',
    contentType: 'application/pdf',
    _data: {
      extension: [{ url: 'https://fhir.fibrotrack.org/StructureDefinition/binary-blob-content', valueString: `binary/${rows[0]}` }],
    },
  };
  const res = await post(json(forged));
  assert.equal(res.status, 400, res.text);
  assert.match(res.body.issue[0].diagnostics, /set by this server only/);
  const patched = await s.http
    .patch(`/fhir/Binary/${victim.id}`)
    .set('Content-Type', 'application/json-patch+json')
    .send(JSON.stringify([{ op: 'replace', path: '/contentType', value: 'application/octet-stream' }]));
  assert.equal(patched.status, 200, patched.text);
  const raw = await rawGet(s.http, `Binary/${victim.id}`);
  assert.equal(raw.headers['content-type'], 'application/octet-stream');
  assert.ok(raw.body.equals(pdf(200)), 'a patch keeps the content');
});
