// Scope semantics at the FHIR API with real tokens: type and letter (403), v1 scopes, v2 query constraints
// as search filters and read matches, user/ and system/ scopes. https://hl7.org/fhir/smart-app-launch/STU2.2/scopes-and-launch-context.html
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { VITALS, as, assertForbidden, assertHidden, ids, startFixture, type Fixture } from './resource-server-fixture.js';

describe('scopes at the FHIR API', () => {
  let f: Fixture;
  before(async () => {
    f = await startFixture();
  });
  after(() => f.server.close());

  it('403s a type the token has no scope for, naming the scope needed', async () => {
    const alpha = as(f.server, (await f.patientToken('a', 'patient/Observation.rs')).access_token);
    assert.equal((await alpha.get('Observation/oa1')).status, 200);
    assertForbidden(await alpha.get('Patient/a'), /read \(r\) on Patient: a scope such as patient\/Patient\.r is needed/);
    assertForbidden(await alpha.get('Condition'), /search \(s\) on Condition/);
  });

  it('403s an interaction whose letter is missing', async () => {
    const readOnly = as(f.server, (await f.patientToken('a', 'patient/Observation.r')).access_token);
    assert.equal((await readOnly.get('Observation/oa1')).status, 200);
    assertForbidden(await readOnly.get('Observation'), /search \(s\) on Observation/);
    assertForbidden(await readOnly.get('Observation/_history'), /search \(s\)/);
    assertForbidden(
      await readOnly.post('Observation', {
        resourceType: 'Observation',
        status: 'final',
        code: { text: 'x' },
        subject: { reference: 'Patient/a' },
      }),
      /create \(c\) on Observation/,
    );
    assertForbidden(await readOnly.patch('Observation/oa1', [{ op: 'replace', path: '/status', value: 'amended' }]), /update \(u\)/);
    assertForbidden(await readOnly.delete('Observation/oa1'), /delete \(d\)/);
  });

  it('reads v1 scopes: .read is r and s, not c', async () => {
    const v1 = as(f.server, (await f.patientToken('a', 'patient/*.read')).access_token);
    assert.deepEqual(ids(await v1.get('Observation?category=vital-signs')), ['Observation/oa1', 'Observation/oa3']);
    assertForbidden(
      await v1.post('Observation', {
        resourceType: 'Observation',
        status: 'final',
        code: { text: 'x' },
        subject: { reference: 'Patient/a' },
      }),
      /create \(c\)/,
    );
  });

  it('applies a v2 query constraint as a search filter and as a match on read', async () => {
    const token = await f.patientToken('a', `patient/Observation.rs?category=${VITALS} patient/Patient.rs`);
    const vitals = as(f.server, token.access_token);
    assert.deepEqual(ids(await vitals.get('Observation')), ['Observation/oa1', 'Observation/oa3']);
    assert.deepEqual(ids(await vitals.get('Observation?category=laboratory')), []);
    assert.equal((await vitals.get('Observation/oa1')).status, 200);
    // A resource the token may not read answers as an unknown id does.
    assertHidden(await vitals.get('Observation/oa2'), await vitals.get('Observation/nx2'), 'oa2', 'nx2');
    // The patient compartment still holds: b's vital signs stay out.
    assertHidden(await vitals.get('Observation/ob1'), await vitals.get('Observation/nx1'), 'ob1', 'nx1');
    // Includes must match too: oa2 is laboratory.
    assert.deepEqual(ids(await vitals.get('Patient?_revinclude=Observation:subject')), ['Observation/oa1', 'Observation/oa3', 'Patient/a']);
  });

  it('403s a search under a constraint that names no parameter of the type', async () => {
    const odd = as(f.server, (await f.patientToken('a', 'patient/Observation.rs?no-such-param=1')).access_token);
    assertForbidden(await odd.get('Observation'), /constraint 'no-such-param=1' cannot be applied to Observation/);
    assertHidden(await odd.get('Observation/oa1'), await odd.get('Observation/nx1'), 'oa1', 'nx1');
  });

  it('gives a practitioner user/ scopes over every patient', async () => {
    const doctor = as(f.server, (await f.userToken('user/Observation.rs user/Patient.rs')).access_token);
    assert.deepEqual(ids(await doctor.get('Observation?category=vital-signs')), ['Observation/oa1', 'Observation/oa3', 'Observation/ob1']);
    assert.equal((await doctor.get('Patient/b')).status, 200);
    assertForbidden(await doctor.delete('Observation/ob1'), /delete \(d\)/);
  });

  it('serves backend services with system/ scopes', async () => {
    const backend = as(f.server, (await f.backendToken('system/Observation.rs system/Patient.read')).access_token);
    assert.deepEqual(ids(await backend.get('Patient')), ['Patient/a', 'Patient/b']);
    assert.equal((await backend.get('Observation/ob1')).status, 200);
    assert.equal((await backend.get('Observation/$lastn?patient=b&category=vital-signs')).status, 200);
    assertForbidden(await backend.put('Patient/a', { resourceType: 'Patient', id: 'a' }), /update \(u\) or create \(c\) on Patient/);
    assertForbidden(await backend.get('Medication/med1'), /read \(r\) on Medication/);
  });

  it('keeps discovery public', async () => {
    const metadata = await f.server.http.get('/fhir/metadata');
    assert.equal(metadata.status, 200);
    assert.equal(metadata.body.resourceType, 'CapabilityStatement');
    assert.equal((await f.server.http.get('/fhir/.well-known/smart-configuration')).status, 200);
  });
});
