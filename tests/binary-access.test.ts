// Binary under SMART tokens: access follows Binary.securityContext (https://hl7.org/fhir/R4/binary.html#security).
// A patient reaches the Binaries of its own record only, raw or as JSON; a user/ token those whose securityContext
// it may read; too few scopes are 403, no token 401.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { as, assertForbidden, assertHidden, startFixture, type Fixture } from './resource-server-fixture.js';
import { pdf, png, rawGet } from './support/binary-documents.js';

let f: Fixture;
const bin: Record<string, string> = {};

const upload = async (token: string, body: Buffer, type: string, context?: string) =>
  f.server.http
    .post('/fhir/Binary')
    .set({ Authorization: `Bearer ${token}`, 'Content-Type': type, ...(context ? { 'X-Security-Context': context } : {}) })
    .send(body);

before(async () => {
  f = await startFixture({ BINARY_INLINE_MAX_BYTES: '512' });
  const doc = await as(f.server, f.system).post('DocumentReference', {
    resourceType: 'DocumentReference',
    status: 'current',
    subject: { reference: 'Patient/b' },
    content: [{ attachment: { contentType: 'application/pdf' } }],
  });
  assert.equal(doc.status, 201, doc.text);
  for (const [name, context] of [
    ['a', 'Patient/a'],
    ['b', 'Patient/b'],
    ['bDoc', `DocumentReference/${doc.body.id}`],
    ['none', undefined],
  ] as const) {
    const res = await upload(f.system, png(30, name.length), 'image/png', context);
    assert.equal(res.status, 201, res.text);
    bin[name] = res.body.id;
  }
});
after(async () => {
  await f?.server.close();
});

test("a patient token reads, raw and as JSON, the Binaries of its own record; another patient's are unknown to it", async () => {
  const { access_token: a } = await f.patientToken('a', 'patient/*.cruds');
  const own = await rawGet(f.server.http, `Binary/${bin.a}`, { Authorization: `Bearer ${a}` });
  assert.equal(own.status, 200);
  assert.ok(own.body.equals(png(30, 1)));
  assert.equal((await as(f.server, a).get(`Binary/${bin.a}`)).status, 200);
  const unknown = await as(f.server, a).get('Binary/no-such-binary');
  for (const id of [bin.b, bin.bDoc, bin.none]) {
    assertHidden(await as(f.server, a).get(`Binary/${id}`), unknown, id, 'no-such-binary');
    assert.equal((await rawGet(f.server.http, `Binary/${id}`, { Authorization: `Bearer ${a}` })).status, 404);
    assert.equal((await as(f.server, a).get(`Binary/${id}/_history/1`)).status, 404);
  }
  const { access_token: b } = await f.patientToken('b', 'patient/*.rs');
  assert.equal((await as(f.server, b).get(`Binary/${bin.bDoc}`)).status, 200, 'through its DocumentReference');
  assert.equal((await as(f.server, b).get(`Binary/${bin.a}`)).status, 404);
  const search = await as(f.server, b).get(`Binary?_id=${Object.values(bin).join(',')}`);
  assert.equal(search.status, 200, search.text);
  assert.deepEqual(search.body.entry.map((e: { resource: { id: string } }) => e.resource.id).sort(), [bin.b, bin.bDoc].sort());
});

test('a patient token writes Binaries only with a securityContext in its own record', async () => {
  const { access_token: a } = await f.patientToken('a', 'patient/*.cruds');
  assert.equal((await upload(a, pdf(5), 'application/pdf', 'Patient/a')).status, 201);
  assertForbidden(await upload(a, pdf(5), 'application/pdf', 'Patient/b'), /securityContext Patient\/b/);
  assertForbidden(await upload(a, pdf(5), 'application/pdf'), /only with a securityContext in Patient\/a's record/);
  const overwrite = await f.server.http
    .put(`/fhir/Binary/${bin.b}`)
    .set({ Authorization: `Bearer ${a}`, 'Content-Type': 'application/pdf' })
    .send(pdf(5));
  assert.equal(overwrite.status, 403, overwrite.text);
});

test('a user/ token reads a Binary only when it may read its securityContext', async () => {
  const { access_token: narrow } = await f.userToken('user/Binary.rs');
  assert.equal((await as(f.server, narrow).get(`Binary/${bin.a}`)).status, 404);
  assert.equal((await as(f.server, narrow).get(`Binary/${bin.none}`)).status, 200, 'no securityContext: the Binary scope decides');
  const { access_token: wide } = await f.userToken('user/Binary.rs user/Patient.rs');
  const raw = await rawGet(f.server.http, `Binary/${bin.a}`, { Authorization: `Bearer ${wide}` });
  assert.equal(raw.status, 200);
  assert.equal(raw.headers['content-type'], 'image/png');
});

test('too few scopes are 403, no token 401, for JSON and raw reads and raw writes alike', async () => {
  const { access_token: patientOnly } = await f.patientToken('a', 'patient/Patient.rs');
  assertForbidden(await as(f.server, patientOnly).get(`Binary/${bin.a}`), /read \(r\) on Binary/);
  const raw = await rawGet(f.server.http, `Binary/${bin.a}`, { Authorization: `Bearer ${patientOnly}` });
  assert.equal(raw.status, 403);
  assertForbidden(await upload(patientOnly, pdf(5), 'application/pdf', 'Patient/a'), /create \(c\) on Binary/);
  const anonymous = await rawGet(f.server.http, `Binary/${bin.a}`);
  assert.equal(anonymous.status, 401);
  const anonymousWrite = await f.server.http.post('/fhir/Binary').set('Content-Type', 'application/pdf').send(pdf(5));
  assert.equal(anonymousWrite.status, 401);
  assert.equal(anonymousWrite.body.resourceType, 'OperationOutcome');
});
