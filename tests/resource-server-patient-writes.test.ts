// The write rule under patient/ scopes (and a Patient user's user/ scopes): every Patient a written resource
// refers to through its Patient compartment parameters is the token's patient, on every write path; reads keep
// the CompartmentDefinition's meaning. Real tokens, AUTH_MODE=smart, MariaDB and Redis.
// https://hl7.org/fhir/R4/compartmentdefinition-patient.html
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Bundle } from 'fhir/r4.js';
import { as, assertForbidden, ids, startFixture, type Fixture } from './resource-server-fixture.js';

const BASE = 'http://localhost:8080/fhir';
const PAIN = { coding: [{ system: 'http://loinc.org', code: '72514-3' }], text: 'pain' };
const obs = (marker: string, subject: string, extra: Record<string, unknown> = {}) => ({
  resourceType: 'Observation',
  status: 'final',
  code: { ...PAIN, text: marker },
  subject: { reference: subject },
  effectiveDateTime: '2026-02-01T10:00:00Z',
  valueInteger: 9,
  ...extra,
});

describe("patient/ writes refer to the token's patient only", () => {
  let f: Fixture;
  let alpha: ReturnType<typeof as>;
  let bravo: ReturnType<typeof as>;
  let system: ReturnType<typeof as>;
  /** Nothing with this text may be stored by a refused write. */
  const assertNothingStored = async (marker: string) => assert.deepEqual(ids(await system.get(`Observation?code:text=${marker}`)), []);

  before(async () => {
    f = await startFixture();
    alpha = as(f.server, (await f.patientToken('a', 'patient/*.cruds')).access_token);
    bravo = as(f.server, (await f.patientToken('b', 'patient/*.cruds')).access_token);
    system = as(f.server, f.system);
    // Bravo's record gets an identifier, so conditional references can name it.
    const b = (await system.get('Patient/b')).body as Record<string, unknown>;
    assert.equal((await system.put('Patient/b', { ...b, identifier: [{ system: 'urn:mrn', value: 'mrn-b' }] })).status, 200);
  });
  after(() => f.server.close());

  it("refuses a create whose subject is another patient even when the token's patient is its performer", async () => {
    const res = await alpha.post('Observation', obs('intrusion', 'Patient/b', { performer: [{ reference: 'Patient/a' }] }));
    assertForbidden(res, /create \(c\) on Observation\/.*refers to Patient\/b \(subject\), outside Patient\/a's record/);
    await assertNothingStored('intrusion');
    // It never becomes Bravo's latest pain score.
    const lastn = await system.get('Observation/$lastn?patient=b&code=http://loinc.org|72514-3');
    assert.deepEqual(ids(lastn), []);
    // The other way round is refused as well: a's subject, b performing.
    assertForbidden(
      await alpha.post('Observation', obs('intrusion', 'Patient/a', { performer: [{ reference: 'Patient/b' }] })),
      /Patient\/b \(performer\)/,
    );
    await assertNothingStored('intrusion');
    assert.equal((await alpha.post('Observation', obs('own', 'Patient/a', { performer: [{ reference: 'Patient/a' }] }))).status, 201);
  });

  it("reads a resource in two patients' compartments by either, but lets neither patient write it", async () => {
    // oa3 is a's, performed by b (stored by the backend).
    assert.equal((await alpha.get('Observation/oa3')).status, 200);
    assert.equal((await bravo.get('Observation/oa3')).status, 200);
    assert.deepEqual(ids(await bravo.get('Observation?_id=oa3')), ['Observation/oa3']);
    const oa3 = (await system.get('Observation/oa3')).body as { meta: { versionId: string } };
    const rewritten = { ...obs('rewritten', 'Patient/a'), id: 'oa3' };
    assertForbidden(await alpha.put('Observation/oa3', rewritten), /Observation\/oa3 \(as stored\).*Patient\/b \(performer\)/);
    assertForbidden(await alpha.patch('Observation/oa3', [{ op: 'replace', path: '/status', value: 'amended' }]), /as stored/);
    assertForbidden(
      await alpha.delete('Observation/oa3'),
      /update \(u\) or delete \(d\) on Observation\/oa3 \(as stored\).*Patient\/b \(performer\)/,
    );
    assertForbidden(
      await bravo.put('Observation/oa3', { ...rewritten, subject: { reference: 'Patient/b' } }),
      /as stored.*Patient\/a \(subject\)/,
    );
    assert.equal(((await system.get('Observation/oa3')).body as { meta: { versionId: string } }).meta.versionId, oa3.meta.versionId);
  });

  it('checks the new content of an update and a patch', async () => {
    const own = await alpha.post('Observation', obs('mine', 'Patient/a'));
    assert.equal(own.status, 201);
    const id = own.body.id as string;
    assertForbidden(
      await alpha.put(`Observation/${id}`, { ...obs('mine', 'Patient/a', { performer: [{ reference: 'Patient/b' }] }), id }),
      /as it would be written.*Patient\/b \(performer\)/,
    );
    assertForbidden(
      await alpha.patch(`Observation/${id}`, [{ op: 'add', path: '/performer', value: [{ reference: 'Patient/b' }] }]),
      /as it would be written/,
    );
    assert.equal(((await system.get(`Observation/${id}`)).body as { performer?: unknown }).performer, undefined);
  });

  it('holds for absolute, conditional and non-local Patient references', async () => {
    // This server's base is the same patient as a relative reference.
    assertForbidden(
      await alpha.post('Observation', obs('intrusion', `${BASE}/Patient/b`, { performer: [{ reference: 'Patient/a' }] })),
      /Patient\/b \(subject\)/,
    );
    assert.equal((await alpha.post('Observation', obs('own-absolute', `${BASE}/Patient/a`))).status, 201);
    // Another server's Patient/a is not this record's patient, and an unresolved conditional reference could be anyone.
    assertForbidden(
      await alpha.post('Observation', obs('intrusion', 'https://elsewhere.example/fhir/Patient/a')),
      /https:\/\/elsewhere\.example\/fhir\/Patient\/a \(subject\)/,
    );
    assertForbidden(
      await alpha.post('Observation', obs('intrusion', 'Patient?identifier=urn:mrn|mrn-b', { performer: [{ reference: 'Patient/a' }] })),
      /Patient\?identifier=urn:mrn/,
    );
    await assertNothingStored('intrusion');
  });

  it('holds for contained resources and for Group members', async () => {
    const withContained = obs('intrusion', 'Patient/a', {
      focus: [{ reference: '#c1' }],
      contained: [{ resourceType: 'Condition', id: 'c1', code: { text: 'x' }, subject: { reference: 'Patient/b' } }],
    });
    assertForbidden(await alpha.post('Observation', withContained), /contained\[0\]\.(subject|patient)/);
    await assertNothingStored('intrusion');
    const group = (members: string[]) => ({
      resourceType: 'Group',
      type: 'person',
      actual: true,
      member: members.map((m) => ({ entity: { reference: m } })),
    });
    assertForbidden(await alpha.post('Group', group(['Patient/a', 'Patient/b'])), /Patient\/b \(member\)/);
    assert.equal((await alpha.post('Group', group(['Patient/a']))).status, 201);
  });

  it("lets a Patient resource be written only as the token's own", async () => {
    const a = (await alpha.get('Patient/a')).body as Record<string, unknown>;
    assert.equal((await alpha.put('Patient/a', { ...a, gender: 'female' })).status, 200);
    assertForbidden(
      await alpha.put('Patient/a', { ...a, link: [{ other: { reference: 'Patient/b' }, type: 'seealso' }] }),
      /Patient\/b \(link\)/,
    );
    assertForbidden(
      await alpha.post('Patient', { resourceType: 'Patient', link: [{ other: { reference: 'Patient/a' }, type: 'seealso' }] }),
      /the one Patient resource this token may write/,
    );
    assert.deepEqual(ids(await system.get('Patient?link=Patient/a')), []);
  });

  it('holds for conditional creates and updates', async () => {
    const intrusion = obs('intrusion', 'Patient/b', {
      performer: [{ reference: 'Patient/a' }],
      identifier: [{ system: 'urn:x', value: 'c1' }],
    });
    assertForbidden(await alpha.post('Observation', intrusion).set('If-None-Exist', 'identifier=urn:x|c1'), /Patient\/b \(subject\)/);
    assertForbidden(await alpha.put('Observation?identifier=urn:x|c1', intrusion), /Patient\/b \(subject\)/);
    await assertNothingStored('intrusion');
  });

  it('holds for batch and transaction entries, urn:uuid and conditional references included', async () => {
    const entry = (resource: object, fullUrl?: string) => ({
      ...(fullUrl ? { fullUrl } : {}),
      resource,
      request: { method: 'POST', url: (resource as { resourceType: string }).resourceType },
    });
    const batch = await alpha.post('', {
      resourceType: 'Bundle',
      type: 'batch',
      entry: [entry(obs('intrusion', 'Patient/b', { performer: [{ reference: 'Patient/a' }] })), entry(obs('batched', 'Patient/a'))],
    });
    assert.equal(batch.status, 200, batch.text);
    assert.deepEqual(
      (batch.body as Bundle).entry!.map((e) => e.response?.status.slice(0, 3)),
      ['403', '201'],
    );
    // A new Patient made in the transaction and referred to by urn:uuid is another patient.
    const viaUrn = await alpha.post('', {
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [
        entry({ resourceType: 'Patient', name: [{ family: 'Charlie' }] }, 'urn:uuid:0f8d7d3e-5b7a-4a57-9d0e-2f5f3b9c1a01'),
        entry(obs('intrusion', 'urn:uuid:0f8d7d3e-5b7a-4a57-9d0e-2f5f3b9c1a01', { performer: [{ reference: 'Patient/a' }] })),
      ],
    });
    assertForbidden(viaUrn, /Bundle\.entry\[0\]/);
    // A conditional reference is resolved as the token searches: it cannot find b, so it cannot point there.
    const viaConditional = await alpha.post('', {
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [entry(obs('intrusion', 'Patient?identifier=urn:mrn|mrn-b', { performer: [{ reference: 'Patient/a' }] }))],
    });
    assert.ok([403, 404, 412].includes(viaConditional.status), viaConditional.text);
    assert.equal(viaConditional.body.resourceType, 'OperationOutcome');
    await assertNothingStored('intrusion');
    assert.deepEqual(ids(await system.get('Patient?family=Charlie')), []);
  });

  it("applies to a Patient user's user/ scopes as to patient/ scopes", async () => {
    const alphaUser = as(f.server, (await f.patientUserToken('a', 'user/Observation.cruds')).access_token);
    assertForbidden(
      await alphaUser.post('Observation', obs('intrusion', 'Patient/b', { performer: [{ reference: 'Patient/a' }] })),
      /Patient\/b \(subject\)/,
    );
    await assertNothingStored('intrusion');
    // A practitioner's user/ scopes are not confined to one patient.
    const doctor = as(f.server, (await f.userToken('user/Observation.cruds')).access_token);
    assert.equal((await doctor.post('Observation', obs('shared', 'Patient/b', { performer: [{ reference: 'Patient/a' }] }))).status, 201);
  });
});
