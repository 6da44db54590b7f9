// Bodies must be UTF-8 and their strings real characters (issue 15, item 9): invalid bytes and lone surrogate
// escapes are 400 naming where they are, instead of being stored as U+FFFD.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { listen, type Listening } from './support/listen.js';
import { FHIR_JSON, startTestServer, type TestServer } from './support/test-server.js';

let s: TestServer;
let server: Listening;
before(async () => {
  s = await startTestServer();
  server = await listen(s.built.app);
});
after(async () => {
  await server?.close();
  await s?.close();
});

/** Sends the bytes as they are (supertest would serialize a Buffer as JSON). */
async function sendBytes(method: string, path: string, bytes: Buffer, contentType = FHIR_JSON) {
  const res = await server.fetch(path, { method, body: new Uint8Array(bytes), headers: { 'Content-Type': contentType } });
  return { status: res.status, body: await res.json() };
}

const storedPatients = async () => (await s.sql<{ n: number }[]>("SELECT COUNT(*) AS n FROM resource WHERE res_type = 'Patient'"))[0].n;
const head = Buffer.from('{"resourceType":"Patient","name":[{"family":"');
const withBytes = (bytes: number[]) => Buffer.concat([head, Buffer.from(bytes), Buffer.from('"}]}')]);

test('invalid UTF-8 in a body is 400 naming the byte offset (C3 28 FF FE was stored as U+FFFD)', async () => {
  const before = await storedPatients();
  const res = await sendBytes('POST', '/fhir/Patient', withBytes([0xc3, 0x28, 0xff, 0xfe]));
  assert.equal(res.status, 400);
  assert.equal(res.body.resourceType, 'OperationOutcome');
  assert.equal(res.body.issue[0].code, 'invalid');
  assert.match(res.body.issue[0].diagnostics, new RegExp(`not valid UTF-8: the bytes at offset ${head.length} \\(C3 28 FF FE\\)`));
  // Overlong forms, encoded surrogates, truncated sequences, bytes past U+10FFFF; PUT as POST.
  for (const bytes of [[0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xe2, 0x82], [0xf8, 0x88, 0x80, 0x80, 0x80], [0xf4, 0x90, 0x80, 0x80], [0x80]]) {
    const put = await sendBytes('PUT', '/fhir/Patient/enc-1', withBytes(bytes));
    assert.equal(put.status, 400, bytes.join(' '));
    assert.match(put.body.issue[0].diagnostics, new RegExp(`at offset ${head.length} `));
  }
  assert.equal(await storedPatients(), before, 'nothing stored');
});

test('lone surrogate escapes are 400 naming the element and the byte offset, in values and in keys', async () => {
  const before = await storedPatients();
  const cases: [string, RegExp][] = [
    ['{"resourceType":"Patient","name":[{"family":"\\ud800"}]}', /string at name\[0\]\.family holds the escape \\ud800 at byte offset 45/],
    ['{"resourceType":"Patient","name":[{"family":"a\\udc00b"}]}', /\\udc00 at byte offset 46/],
    ['{"resourceType":"Patient","name":[{"family":"\\ud83d\\ud83d"}]}', /\\ud83d at byte offset 45/],
    ['{"resourceType":"Patient","\\ud800":1}', /\\ud800 at byte offset 27/],
  ];
  for (const [body, diagnostics] of cases) {
    const res = await s.http.post('/fhir/Patient').set('Content-Type', FHIR_JSON).send(body);
    assert.equal(res.status, 400, body);
    assert.equal(res.body.issue[0].code, 'invalid');
    assert.match(res.body.issue[0].diagnostics, diagnostics);
    assert.match(res.body.issue[0].diagnostics, /lone UTF-16 surrogate/);
  }
  assert.equal(await storedPatients(), before, 'nothing stored');
});

test('real characters pass: surrogate pairs as escapes or as UTF-8, and an escaped backslash before "ud800"', async () => {
  const body = '{"resourceType":"Patient","name":[{"family":"\\ud83d\\ude00 😀 Müller","given":["\\\\ud800"]}]}';
  const res = await sendBytes('POST', '/fhir/Patient', Buffer.from(body));
  assert.equal(res.status, 201, JSON.stringify(res.body));
  const read = await s.http.get(`/fhir/Patient/${res.body.id}`);
  assert.equal(read.body.name[0].family, '😀 😀 Müller');
  assert.equal(read.body.name[0].given[0], '\\ud800');
});

test('siblings: a form-encoded search body, a transaction, a JSON Patch are held to the same rule', async () => {
  const form = await sendBytes(
    'POST',
    '/fhir/Patient/_search',
    Buffer.concat([Buffer.from('family='), Buffer.from([0xff, 0x78])]),
    'application/x-www-form-urlencoded',
  );
  assert.equal(form.status, 400);
  assert.match(form.body.issue[0].diagnostics, /not valid UTF-8: the bytes at offset 7 \(FF/);
  const tx = await s.http
    .post('/fhir')
    .set('Content-Type', FHIR_JSON)
    .send(
      '{"resourceType":"Bundle","type":"transaction","entry":[{"request":{"method":"POST","url":"Patient"},"resource":{"resourceType":"Patient","name":[{"family":"\\udfff"}]}}]}',
    );
  assert.equal(tx.status, 400);
  assert.match(tx.body.issue[0].diagnostics, /entry\[0\]\.resource\.name\[0\]\.family holds the escape \\udfff/);
  const created = await s.http.post('/fhir/Patient').set('Content-Type', FHIR_JSON).send({ resourceType: 'Patient', active: true });
  const patch = await s.http
    .patch(`/fhir/Patient/${created.body.id}`)
    .set('Content-Type', 'application/json-patch+json')
    .send('[{"op":"add","path":"/name","value":[{"family":"\\ud800"}]}]');
  assert.equal(patch.status, 400);
  assert.match(patch.body.issue[0].diagnostics, /lone UTF-16 surrogate/);
  assert.equal((await s.http.get(`/fhir/Patient/${created.body.id}`)).body.meta.versionId, '1', 'the patch changed nothing');
});

test('percent-escapes that are not UTF-8 in a query string or a form body are 400 naming the parameter (they searched for U+FFFD)', async () => {
  for (const query of ['family=%FF', 'gender=female&family=a%ED%A0%80b', 'family=%E0%A4']) {
    const res = await server.fetch(`/fhir/Patient?${query}`);
    assert.equal(res.status, 400, query);
    const body = await res.json();
    assert.match(body.issue[0].diagnostics, /^The query string: parameter 'family' holds percent-escapes that are not UTF-8 \(%/);
    assert.deepEqual(body.issue[0].expression, ['family']);
  }
  const form = await sendBytes('POST', '/fhir/Patient/_search', Buffer.from('family=%C3%28'), 'application/x-www-form-urlencoded');
  assert.equal(form.status, 400);
  assert.match(form.body.issue[0].diagnostics, /^The form body: parameter 'family' .* \(%C3%28\)/);
  // UTF-8 escapes and a stray '%' are searched as before.
  assert.equal((await server.fetch('/fhir/Patient?family=M%C3%BCller')).status, 200);
  assert.equal((await server.fetch('/fhir/Patient?family=100%')).status, 200);
});
