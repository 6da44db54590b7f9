// A Binary's securityContext decides its access on every path (https://hl7.org/fhir/R4/binary.html#security, SMART:
// Binary access follows the referenced resource): writes need write access to the securityContext resource (never
// another patient's or shared data under patient/ scopes), and _include, $everything and deletions (read, history)
// show a Binary only to a token that may read its securityContext.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Bundle } from 'fhir/r4.js';
import type { Response } from 'supertest';
import { as, assertForbidden, ids, startFixture, type Fixture } from './resource-server-fixture.js';
import { pdf, png } from './support/binary-documents.js';

let f: Fixture;
const bin: Record<string, string> = {};

const upload = (token: string, context?: string) =>
  f.server.http
    .post('/fhir/Binary')
    .set({ Authorization: `Bearer ${token}`, 'Content-Type': 'application/pdf', ...(context ? { 'X-Security-Context': context } : {}) })
    .send(pdf(3));
const json = (context: string) => ({
  resourceType: 'Binary',
  contentType: 'image/png',
  securityContext: { reference: context },
  data: png(10).toString('base64'),
});

/** `Type/id` of each entry of a history Bundle, deletions included. */
const historyOf = (res: Response): string[] => {
  assert.equal(res.status, 200, res.text);
  return ((res.body as Bundle).entry ?? []).map((e) => /[A-Z][A-Za-z]+\/[^/]+$/.exec(e.fullUrl ?? '')?.[0] ?? '');
};

before(async () => {
  f = await startFixture({ BINARY_INLINE_MAX_BYTES: '512' });
  assert.equal(
    (await as(f.server, f.system).put('Organization/org1', { resourceType: 'Organization', id: 'org1', name: 'Clinic' })).status,
    201,
  );
  for (const [name, context] of [
    ['a', 'Patient/a'],
    ['b', 'Patient/b'],
    ['org', 'Organization/org1'],
    ['oa3', 'Observation/oa3'],
    ['gone', 'Patient/a'],
    ['none', undefined],
  ] as const) {
    const res = await upload(f.system, context);
    assert.equal(res.status, 201, res.text);
    bin[name] = res.body.id;
  }
  const provenance = {
    resourceType: 'Provenance',
    recorded: '2026-01-01T00:00:00Z',
    target: [
      { reference: 'Patient/a' },
      { reference: `Binary/${bin.a}` },
      { reference: `Binary/${bin.org}` },
      { reference: `Binary/${bin.b}` },
    ],
    agent: [{ who: { reference: 'Organization/org1' } }],
  };
  const stored = await as(f.server, f.system).put('Provenance/pa', { ...provenance, id: 'pa' });
  assert.equal(stored.status, 201, stored.text);
  assert.equal((await as(f.server, f.system).delete(`Binary/${bin.gone}`)).status, 204);
});
after(async () => {
  await f?.server.close();
});

test("a patient token may not write a Binary whose securityContext is shared data or another patient's", async () => {
  const { access_token: a } = await f.patientToken('a', 'patient/*.cruds');
  assertForbidden(
    await upload(a, 'Organization/org1'),
    /Binary\/[-0-9a-f]+:.*securityContext Organization\/org1, which this token may not write.*shared data/,
  );
  assertForbidden(
    await as(f.server, a).post('Binary', json('Observation/oa3')),
    /securityContext Observation\/oa3, which this token may not write.*Patient\/b/,
  );
  assertForbidden(await as(f.server, a).post('Binary', json('Patient/b')), /securityContext Patient\/b.*not Patient\/a/);
  assertForbidden(
    await as(f.server, a).put(`Binary/${bin.org}`, { ...json('Patient/a'), id: bin.org }),
    /Binary\/.* \(as stored\).*securityContext Organization\/org1/,
  );
  assertForbidden(await as(f.server, a).delete(`Binary/${bin.org}`), /securityContext Organization\/org1, which this token may not write/);
  const { access_token: b } = await f.patientToken('b', 'patient/*.cruds');
  assert.equal(
    (await as(f.server, b).get(`Binary/${bin.oa3}`)).status,
    200,
    "b reads it: Observation/oa3 is in b's compartment as its performer",
  );
  assertForbidden(await as(f.server, b).delete(`Binary/${bin.oa3}`), /securityContext Observation\/oa3.*Patient\/a/);
  assertForbidden(await upload(b, 'Observation/oa3'), /securityContext Observation\/oa3/);
  const own = await upload(a, 'Patient/a');
  assert.equal(own.status, 201, own.text);
  assert.equal((await as(f.server, a).put(`Binary/${own.body.id}`, { ...json('Patient/a'), id: own.body.id })).status, 200);
  assert.equal((await as(f.server, a).delete(`Binary/${own.body.id}`)).status, 204);
});

test('writing a Binary needs write access to its securityContext, not read alone; no token is 401', async () => {
  const { access_token: readsPatient } = await f.patientToken('a', 'patient/Binary.cruds patient/Patient.rs');
  assertForbidden(
    await upload(readsPatient, 'Patient/a'),
    /Binary\/[-0-9a-f]+:.*securityContext Patient\/a, which this token may not write/,
  );
  assert.equal((await as(f.server, readsPatient).get(`Binary/${bin.a}`)).status, 200, 'reading needs read only');
  const { access_token: user } = await f.userToken('user/Binary.cruds user/Patient.rs');
  assertForbidden(await as(f.server, user).post('Binary', json('Patient/a')), /securityContext Patient\/a, which this token may not write/);
  const { access_token: writer } = await f.userToken('user/Binary.cruds user/Patient.cru');
  assert.equal((await as(f.server, writer).post('Binary', json('Patient/a'))).status, 201);
  const anonymous = await f.server.http.delete(`/fhir/Binary/${bin.org}`);
  assert.equal(anonymous.status, 401);
});

test('_include and $everything bring a Binary only when the token may read its securityContext', async () => {
  const { access_token: user } = await f.userToken('user/Provenance.rs user/Binary.rs user/Patient.rs');
  const included = await as(f.server, user).get('Provenance?_id=pa&_include=Provenance:target');
  assert.deepEqual(
    ids(included),
    [`Binary/${bin.a}`, `Binary/${bin.b}`, 'Patient/a', 'Provenance/pa'].sort(),
    'not Binary/org: Organization/org1 is beyond the token',
  );
  const everything = await as(f.server, user).get('Patient/a/$everything');
  const got = ids(everything);
  assert.ok(got.includes(`Binary/${bin.a}`), got.join(' '));
  assert.ok(!got.includes(`Binary/${bin.org}`), got.join(' '));
  const { access_token: a } = await f.patientToken('a', 'patient/*.rs');
  const own = ids(await as(f.server, a).get('Provenance?_id=pa&_include=Provenance:target'));
  assert.deepEqual(
    own,
    [`Binary/${bin.a}`, `Binary/${bin.org}`, 'Patient/a', 'Provenance/pa'].sort(),
    'a patient reads shared data: Organization/org1, so its Binary',
  );
});

test('a deleted Binary is unknown, in read and history, to a token that may not read its securityContext', async () => {
  const { access_token: narrow } = await f.userToken('user/Binary.rs');
  const unknown = await as(f.server, narrow).get('Binary/no-such-binary');
  assert.equal(unknown.status, 404);
  assert.equal((await as(f.server, narrow).get(`Binary/${bin.gone}`)).status, 404, 'not 410: that would tell it existed');
  assert.equal((await as(f.server, narrow).get(`Binary/${bin.gone}/_history`)).status, 404);
  const typeHistory = historyOf(await as(f.server, narrow).get('Binary/_history?_count=100'));
  assert.ok(!typeHistory.includes(`Binary/${bin.gone}`), typeHistory.join(' '));
  assert.ok(typeHistory.includes(`Binary/${bin.none}`), 'a Binary without securityContext: the Binary scope decides');
  const { access_token: wide } = await f.userToken('user/Binary.rs user/Patient.rs');
  assert.equal((await as(f.server, wide).get(`Binary/${bin.gone}`)).status, 410);
  assert.ok(historyOf(await as(f.server, wide).get('Binary/_history?_count=100')).includes(`Binary/${bin.gone}`));
});
