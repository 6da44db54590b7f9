// Bulk Data $export under patient/ and user/ tokens: a token exports only what it may read
// (https://hl7.org/fhir/uv/bulkdata/export.html#bulk-data-kick-off-request). A patient/ token gets its own
// compartment, a user/ token the types and the constrained subsets its scopes grant; unsupported
// includeAssociatedData is a 400.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Resource } from 'fhir/r4.js';
import { assertForbidden, startFixture, type Fixture } from './resource-server-fixture.js';
import { downloadAll, kickOff, manifestOf } from './support/bulk-export.js';
import { png } from './support/binary-documents.js';

let f: Fixture;
/** Binary/<id> of a Binary in Patient/a's record, and of one with no securityContext. */
let ofA = '';
let shared = '';
before(async () => {
  f = await startFixture({ EXPORT_SETTLE_MS: '50', EXPORT_POLL_MS: '200' });
  const binary = await f.server.http
    .post('/fhir/Binary')
    .set({ Authorization: `Bearer ${f.system}`, 'Content-Type': 'image/png', 'X-Security-Context': 'Patient/a' })
    .send(png(10));
  assert.equal(binary.status, 201, binary.text);
  ofA = `Binary/${binary.body.id}`;
  const other = await f.server.http
    .post('/fhir/Binary')
    .set({ Authorization: `Bearer ${f.system}`, 'Content-Type': 'image/png' })
    .send(png(11));
  assert.equal(other.status, 201, other.text);
  shared = `Binary/${other.body.id}`;
  const vitals = {
    resourceType: 'ValueSet',
    id: 'heart-rates',
    url: 'https://example.org/ValueSet/heart-rates',
    status: 'active',
    compose: { include: [{ system: 'http://loinc.org', concept: [{ code: '8867-4' }] }] },
  };
  const stored = await f.server.http
    .put('/fhir/ValueSet/heart-rates')
    .set({ Authorization: `Bearer ${f.system}`, 'Content-Type': 'application/fhir+json' })
    .send(vitals);
  assert.equal(stored.status, 201, stored.text);
});
after(async () => {
  await f?.server.close();
});

const exported = async (path: string, token: string): Promise<string[]> => {
  const files = await downloadAll(f.server, await manifestOf(f.server, await kickOff(f.server, path, { token }), token), token);
  return [...files.values()]
    .flat()
    .map((r: Resource) => `${r.resourceType}/${r.id}`)
    .sort();
};

test('a patient/ token exports its own compartment only, at patient and at system level', async () => {
  const { access_token: a } = await f.patientToken('a', 'patient/*.rs');
  const own = ['Observation/oa1', 'Observation/oa2', 'Observation/oa3', 'Patient/a'];
  assert.deepEqual(await exported('Patient/$export?_type=Patient,Observation', a), own);
  // Its own Binary too, as a read of it answers (its securityContext is Patient/a); not the one in no record.
  assert.deepEqual(
    (await exported('$export?_type=Patient,Observation,Medication,Binary', a)).filter((r) => !r.startsWith('Medication/')),
    [ofA, ...own].sort(),
  );
  const { access_token: b } = await f.patientToken('b', 'patient/Observation.rs patient/Patient.rs');
  assert.deepEqual(await exported('Patient/$export', b), ['Observation/oa3', 'Observation/ob1', 'Observation/ob2', 'Patient/b']);
});

test('a user/ token exports the types its scopes grant, and within a constrained scope only what matches', async () => {
  const { access_token: observations } = await f.userToken('user/Observation.rs');
  assert.deepEqual(await exported('$export', observations), [
    'Observation/oa1',
    'Observation/oa2',
    'Observation/oa3',
    'Observation/ob1',
    'Observation/ob2',
  ]);
  const refused = await f.server.http
    .get('/fhir/$export?_type=Patient')
    .set({ Authorization: `Bearer ${observations}`, Prefer: 'respond-async' });
  assertForbidden(refused, /read \(r\) on Patient/);
  const { access_token: vitals } = await f.userToken(
    'user/Observation.rs?category=http://terminology.hl7.org/CodeSystem/observation-category|vital-signs',
  );
  assert.deepEqual(await exported('$export?_type=Observation', vitals), ['Observation/oa1', 'Observation/oa3', 'Observation/ob1']);
});

test('includeAssociatedData is refused with 400 naming the value; no scope with read is 403', async () => {
  const { access_token: token } = await f.userToken('user/*.rs');
  for (const value of ['LatestProvenanceResources', '_custom']) {
    const res = await f.server.http
      .get(`/fhir/$export?includeAssociatedData=${value}`)
      .set({ Authorization: `Bearer ${token}`, Prefer: 'respond-async' });
    assert.equal(res.status, 400, res.text);
    assert.match(res.body.issue[0].diagnostics, new RegExp(`includeAssociatedData '${value}' is not supported`));
  }
  const { access_token: writer } = await f.userToken('user/Observation.c');
  assertForbidden(
    await f.server.http.get('/fhir/$export').set({ Authorization: `Bearer ${writer}`, Prefer: 'respond-async' }),
    /needs a scope with 'r'/,
  );
});

test('a user/ token exports only the Binaries whose securityContext it may read, _typeFilter or not', async () => {
  const { access_token: binaries } = await f.userToken('user/Binary.rs');
  assert.deepEqual(await exported('$export?_type=Binary', binaries), [shared]);
  const id = ofA.slice('Binary/'.length);
  assert.deepEqual(await exported(`$export?_type=Binary&_typeFilter=${encodeURIComponent(`Binary?_id=${id}`)}`, binaries), []);
  const { access_token: withPatients } = await f.userToken('user/Binary.rs user/Patient.rs');
  assert.deepEqual(await exported('$export?_type=Binary', withPatients), [ofA, shared].sort());
  assert.deepEqual(await exported(`$export?_type=Binary&_typeFilter=${encodeURIComponent(`Binary?_id=${id}`)}`, withPatients), [ofA]);
  const { access_token: a } = await f.patientToken('b', 'patient/*.rs');
  assert.deepEqual(await exported('$export?_type=Binary', a), [], "Patient/b's token: neither Patient/a's nor one in no record");
});

test('_typeFilter with code:in resolves the value set as search does; an unknown one is 400 at kick-off', async () => {
  const { access_token: token } = await f.userToken('user/Observation.rs');
  const filter = encodeURIComponent('Observation?code:in=https://example.org/ValueSet/heart-rates');
  assert.deepEqual(await exported(`$export?_type=Observation&_typeFilter=${filter}`, token), [
    'Observation/oa1',
    'Observation/oa3',
    'Observation/ob1',
  ]);
  const unknown = encodeURIComponent('Observation?code:in=https://example.org/ValueSet/none');
  const res = await f.server.http
    .get(`/fhir/$export?_type=Observation&_typeFilter=${unknown}`)
    .set({ Authorization: `Bearer ${token}`, Prefer: 'respond-async' });
  assert.equal(res.status, 400, res.text);
  assert.equal(res.body.resourceType, 'OperationOutcome');
  assert.match(res.body.issue[0].diagnostics, /_typeFilter 'Observation\?code:in=https:\/\/example.org\/ValueSet\/none'/);
});
