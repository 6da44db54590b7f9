// Patient/$summary: the International Patient Summary of a patient, as an EHR pulls it, through HTTP against
// MariaDB under SMART tokens; every summary is checked against the IPS profiles by the server's own $validate.
// https://hl7.org/fhir/uv/ips/OperationDefinition-summary.html
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Bundle, Composition, CompositionSection, OperationOutcome } from 'fhir/r4.js';
import { painScore } from './support/fixtures.js';
import { as, assertForbidden, startFixture, type Fixture } from './resource-server-fixture.js';

const IPS_BUNDLE = 'http://hl7.org/fhir/uv/ips/StructureDefinition/Bundle-uv-ips';
const CATEGORY = 'http://terminology.hl7.org/CodeSystem/observation-category';
let f: Fixture;

const wearable = (code: string, value: number, unit: string, when: string, category = 'activity') => ({
  resourceType: 'Observation',
  status: 'final',
  category: [{ coding: [{ system: CATEGORY, code: category }] }],
  code: { coding: [{ system: 'http://loinc.org', code }] },
  subject: { reference: 'Patient/a' },
  effectiveDateTime: when,
  valueQuantity: { value, unit, system: 'http://unitsofmeasure.org', code: unit },
});
const site = (code: string, display: string) => ({ coding: [{ system: 'http://snomed.info/sct', code, display }] });

before(async () => {
  f = await startFixture();
  const sys = as(f.server, f.system);
  const seed = [
    {
      resourceType: 'Condition',
      subject: { reference: 'Patient/a' },
      code: { text: 'Fibromyalgia' },
      clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' }] },
    },
    {
      resourceType: 'Condition',
      subject: { reference: 'Patient/a' },
      code: { text: 'Old fracture' },
      clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'resolved' }] },
    },
    {
      resourceType: 'MedicationStatement',
      status: 'active',
      subject: { reference: 'Patient/a' },
      medicationReference: { reference: 'Medication/med1' },
      effectiveDateTime: '2026-01-01',
      dosage: [{ text: '75 mg twice daily' }],
    },
    {
      resourceType: 'MedicationRequest',
      status: 'active',
      intent: 'order',
      subject: { reference: 'Patient/a' },
      medicationCodeableConcept: { text: 'duloxetine 30 mg' },
      authoredOn: '2026-01-05',
    },
    ...Array.from({ length: 10 }, (_, i) => ({
      ...painScore('Patient/a', i < 5 ? 3 : 7, `2026-02-${String(i + 1).padStart(2, '0')}T08:00:00Z`),
      bodySite: i % 2 ? site('51185008', 'Chest') : site('77568009', 'Back'),
    })),
    painScore('Patient/a', 9, '2025-06-01T08:00:00Z'), // outside the 30 days before the newest score
    wearable('40443-4', 58, '/min', '2026-02-10T07:00:00Z', 'vital-signs'),
    wearable('40443-4', 61, '/min', '2026-02-09T07:00:00Z', 'vital-signs'),
    wearable('93832-4', 420, 'min', '2026-02-10T06:30:00Z'),
    wearable('41950-7', 8123, '/d', '2026-02-09T00:00:00Z'),
    painScore('Patient/b', 10, '2026-02-10T08:00:00Z'),
  ];
  for (const r of seed) {
    const res = await sys.post(r.resourceType, r);
    assert.equal(res.status, 201, res.text);
  }
});
after(async () => {
  await f.server.close();
});

const sectionByCode = (bundle: Bundle, code: string) =>
  ((bundle.entry![0].resource as Composition).section ?? []).find((s) => s.code?.coding?.[0].code === code) as CompositionSection;
const referenced = (bundle: Bundle, s: CompositionSection) =>
  (s.entry ?? []).map((e) => bundle.entry!.find((x) => x.fullUrl === e.reference)?.resource);

async function assertValidIps(bundle: Bundle) {
  const res = await as(f.server, f.system).post(`Bundle/$validate?profile=${encodeURIComponent(IPS_BUNDLE)}`, bundle);
  assert.equal(res.status, 200, res.text);
  const errors = (res.body as OperationOutcome).issue.filter((i) => i.severity === 'error' || i.severity === 'fatal');
  assert.deepEqual(errors, []);
}

test('a patient app gets its IPS document: Composition first, every section with narrative, valid against the IPS profiles', async () => {
  const token = (await f.patientToken('a', 'patient/*.rs')).access_token;
  const res = await as(f.server, token).get('Patient/a/$summary');
  assert.equal(res.status, 200, res.text);
  const bundle = res.body as Bundle;
  assert.equal(bundle.type, 'document');
  assert.match(bundle.identifier?.value ?? '', /^urn:uuid:/);
  assert.ok(bundle.timestamp);
  const composition = bundle.entry![0].resource as Composition;
  assert.equal(composition.resourceType, 'Composition');
  assert.equal(composition.type.coding![0].code, '60591-5');
  assert.equal(bundle.entry!.find((e) => e.fullUrl === composition.subject!.reference)?.resource?.id, 'a');
  for (const s of composition.section!) assert.match(s.text!.div, /^<div xmlns="http:\/\/www.w3.org\/1999\/xhtml">/);

  const problems = sectionByCode(bundle, '11450-4');
  assert.deepEqual(
    referenced(bundle, problems).map((c) => (c as { code: { text: string } }).code.text),
    ['Fibromyalgia'],
  );
  const meds = sectionByCode(bundle, '10160-0');
  assert.deepEqual(
    referenced(bundle, meds)
      .map((r) => r?.resourceType)
      .sort(),
    ['MedicationRequest', 'MedicationStatement'],
  );
  assert.ok(
    bundle.entry!.some((e) => e.resource?.resourceType === 'Medication' && e.resource.id === 'med1'),
    'the referenced Medication is in the document',
  );
  assert.match(meds.text!.div, /duloxetine 30 mg/);

  const allergies = sectionByCode(bundle, '48765-2');
  assert.equal(allergies.entry, undefined);
  assert.equal(allergies.emptyReason?.coding?.[0].code, 'nilknown');
  assert.match(allergies.text!.div, /No information/);

  const pain = sectionByCode(bundle, 'pain');
  assert.equal(pain.entry?.length, 10, 'the ten February scores; the one of June 2025 is not recent');
  assert.match(pain.text!.div, /worsening \(mean 3\.0 then 7\.0\)/);
  assert.match(pain.text!.div, /Back \(5\), Chest \(5\)/);

  const wear = sectionByCode(bundle, 'wearables');
  assert.match(wear.text!.div, /Resting heart rate<\/td><td>58 \/min/);
  assert.match(wear.text!.div, /7\.0 h \(420 min\)/);
  assert.match(wear.text!.div, /8123 \/d/);
  const vitals = referenced(bundle, sectionByCode(bundle, '8716-3')) as { code: { coding: { code: string }[] } }[];
  assert.deepEqual(vitals.map((o) => o.code.coding[0].code).sort(), ['40443-4', '8867-4'], 'the latest vital sign of each code');
  assert.ok(
    bundle.entry!.every((e) => (e.resource as { subject?: { reference?: string } }).subject?.reference !== 'Patient/b'),
    "nothing of Patient/b's",
  );
  await assertValidIps(bundle);
});

test('a patient without any record sections: required sections say "no information" and the document still validates', async () => {
  const res = await as(f.server, f.system).get('Patient/b/$summary');
  assert.equal(res.status, 200, res.text);
  const bundle = res.body as Bundle;
  for (const code of ['11450-4', '48765-2', '10160-0'])
    assert.equal(sectionByCode(bundle, code).emptyReason?.coding?.[0].code, 'nilknown', code);
  await assertValidIps(bundle);
});

test('sections the token may not read are withheld, not an error', async () => {
  const token = (await f.patientToken('a', 'patient/Patient.r patient/Observation.rs')).access_token;
  const res = await as(f.server, token).get('Patient/a/$summary');
  assert.equal(res.status, 200, res.text);
  const bundle = res.body as Bundle;
  assert.equal(sectionByCode(bundle, '10160-0').emptyReason?.coding?.[0].code, 'withheld');
  assert.equal(sectionByCode(bundle, '11450-4').emptyReason?.coding?.[0].code, 'withheld');
  assert.equal(sectionByCode(bundle, 'pain').entry?.length, 10);
  assert.ok(!bundle.entry!.some((e) => e.resource?.resourceType === 'Condition'));
  await assertValidIps(bundle);
});

test("another patient's summary is 404 (as an unknown patient), too few scopes 403, no token 401", async () => {
  const token = (await f.patientToken('a', 'patient/*.rs')).access_token;
  const other = await as(f.server, token).get('Patient/b/$summary');
  const unknown = await as(f.server, token).get('Patient/nobody/$summary');
  assert.equal(other.status, 404, other.text);
  assert.equal(unknown.status, 404, unknown.text);
  const weak = (await f.patientToken('a', 'patient/Observation.rs')).access_token;
  assertForbidden(await as(f.server, weak).get('Patient/a/$summary'), /Patient/);
  const none = await f.server.http.get('/fhir/Patient/a/$summary');
  assert.equal(none.status, 401, none.text);
});

test('unknown parameters and other profiles are refused with an OperationOutcome; _format works', async () => {
  const res = await as(f.server, f.system).get('Patient/a/$summary?foo=1');
  assert.equal(res.status, 400, res.text);
  assert.match(res.body.issue[0].diagnostics, /foo/);
  const profile = await as(f.server, f.system).get('Patient/a/$summary?profile=http://example.org/other');
  assert.equal(profile.status, 400, profile.text);
  assert.match(profile.body.issue[0].diagnostics, /profile/);
  const ok = await as(f.server, f.system).get(`Patient/a/$summary?profile=${encodeURIComponent(IPS_BUNDLE)}&_format=json`);
  assert.equal(ok.status, 200, ok.text);
  assert.match(ok.headers['content-type'], /json/);
  const gone = await as(f.server, f.system).delete('Patient/b');
  assert.ok([200, 204].includes(gone.status), gone.text);
  assert.equal((await as(f.server, f.system).get('Patient/b/$summary')).status, 410);
});

test('$validate finds a summary that breaks the IPS profiles (a required section removed)', async () => {
  const bundle = (await as(f.server, f.system).get('Patient/a/$summary')).body as Bundle;
  const composition = bundle.entry![0].resource as Composition;
  composition.section = composition.section!.filter((s) => s.code?.coding?.[0].code !== '48765-2');
  const res = await as(f.server, f.system).post(`Bundle/$validate?profile=${encodeURIComponent(IPS_BUNDLE)}`, bundle);
  assert.ok(
    (res.body as OperationOutcome).issue.some((i) => i.severity === 'error'),
    res.text,
  );
});
