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
before(async () => {
  f = await startFixture({ EXPORT_SETTLE_MS: '50', EXPORT_POLL_MS: '200' });
  const binary = await f.server.http.post('/fhir/Binary').set({ Authorization: `Bearer ${f.system}`, 'Content-Type': 'image/png', 'X-Security-Context': 'Patient/a' }).send(png(10));
  assert.equal(binary.status, 201, binary.text);
});
after(async () => { await f?.server.close(); });

const exported = async (path: string, token: string): Promise<string[]> => {
  const files = await downloadAll(f.server, await manifestOf(f.server, await kickOff(f.server, path, { token }), token), token);
  return [...files.values()].flat().map((r: Resource) => `${r.resourceType}/${r.id}`).sort();
};

test('a patient/ token exports its own compartment only, at patient and at system level', async () => {
  const { access_token: a } = await f.patientToken('a', 'patient/*.rs');
  const own = ['Observation/oa1', 'Observation/oa2', 'Observation/oa3', 'Patient/a'];
  assert.deepEqual(await exported('Patient/$export?_type=Patient,Observation', a), own);
  assert.deepEqual((await exported('$export?_type=Patient,Observation,Medication,Binary', a)).filter((r) => !r.startsWith('Medication/')), own);
  const { access_token: b } = await f.patientToken('b', 'patient/Observation.rs patient/Patient.rs');
  assert.deepEqual(await exported('Patient/$export', b), ['Observation/oa3', 'Observation/ob1', 'Observation/ob2', 'Patient/b']);
});

test('a user/ token exports the types its scopes grant, and within a constrained scope only what matches', async () => {
  const { access_token: observations } = await f.userToken('user/Observation.rs');
  assert.deepEqual(await exported('$export', observations), ['Observation/oa1', 'Observation/oa2', 'Observation/oa3', 'Observation/ob1', 'Observation/ob2']);
  const refused = await f.server.http.get('/fhir/$export?_type=Patient').set({ Authorization: `Bearer ${observations}`, Prefer: 'respond-async' });
  assertForbidden(refused, /read \(r\) on Patient/);
  const { access_token: vitals } = await f.userToken('user/Observation.rs?category=http://terminology.hl7.org/CodeSystem/observation-category|vital-signs');
  assert.deepEqual(await exported('$export?_type=Observation', vitals), ['Observation/oa1', 'Observation/oa3', 'Observation/ob1']);
});

test('includeAssociatedData is refused with 400 naming the value; no scope with read is 403', async () => {
  const { access_token: token } = await f.userToken('user/*.rs');
  for (const value of ['LatestProvenanceResources', '_custom']) {
    const res = await f.server.http.get(`/fhir/$export?includeAssociatedData=${value}`).set({ Authorization: `Bearer ${token}`, Prefer: 'respond-async' });
    assert.equal(res.status, 400, res.text);
    assert.match(res.body.issue[0].diagnostics, new RegExp(`includeAssociatedData '${value}' is not supported`));
  }
  const { access_token: writer } = await f.userToken('user/Observation.c');
  assertForbidden(await f.server.http.get('/fhir/$export').set({ Authorization: `Bearer ${writer}`, Prefer: 'respond-async' }), /needs a scope with 'r'/);
});
