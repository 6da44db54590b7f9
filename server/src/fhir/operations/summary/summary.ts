// Patient/$summary: GET [base]/Patient/[id]/$summary, the patient's International Patient Summary as a document
// Bundle (Composition LOINC 60591-5 first; IPS sections plus FibroTrack's pain and wearable sections).
// https://hl7.org/fhir/uv/ips/OperationDefinition-summary.html
import { randomUUID } from 'node:crypto';
import type { Composition, Device, MedicationRequest, MedicationStatement, Patient, Resource } from 'fhir/r4.js';
import { gone, invalidParameter, notFound, unknownParameter } from '../../../core/outcomes.js';
import type { FhirContext } from '../../fhir-context.js';
import type { FhirRequest, FhirResponse } from '../../fhir-request.js';
import { allergiesSection, medicationsSection, problemsSection, resultsSection, vitalSignsSection } from './clinical-sections.js';
import { documentBundle, readReference, storedEntry } from './document-bundle.js';
import { painSection } from './pain-section.js';
import { buildSection, LOINC } from './section.js';
import { wearableSection } from './wearable-section.js';

export const IPS_BUNDLE_PROFILE = 'http://hl7.org/fhir/uv/ips/StructureDefinition/Bundle-uv-ips';
const DATA_ABSENT = 'http://hl7.org/fhir/StructureDefinition/data-absent-reason';
/** Parameters the HTTP layer handles, besides the operation's own `profile`. */
const FORMAT_PARAMS = new Set(['_format', '_pretty']);

export async function summary(req: FhirRequest, id: string, ctx: FhirContext): Promise<FhirResponse> {
  checkParams(req.query);
  const version = await ctx.repo.read('Patient', id);
  if (!version) throw notFound('Patient', id);
  if (version.deleted) throw gone('Patient', id, version.versionId);
  const patient = version.resource as Patient;
  const drafts = await Promise.all([
    problemsSection(ctx, id),
    allergiesSection(ctx, id),
    medicationsSection(ctx, id),
    resultsSection(ctx, id),
    vitalSignsSection(ctx, id),
    painSection(ctx, id),
    wearableSection(ctx, id),
  ]);
  const fullUrl = (r: Resource) => storedEntry(ctx, r).fullUrl;
  const built = drafts.map((d) => buildSection(d, fullUrl));
  const entries = built.flatMap((b) => b.entries);
  const medications = await referencedMedications(ctx, entries);
  const author: Device = {
    resourceType: 'Device',
    id: randomUUID(),
    deviceName: [{ name: 'FibroTrack FHIR server', type: 'user-friendly-name' }],
    type: { text: 'FHIR server that generated this summary from its records' },
  };
  const authorUrl = `urn:uuid:${author.id}`;
  const composition: Composition = {
    resourceType: 'Composition',
    id: randomUUID(),
    status: 'final',
    type: { coding: [{ system: LOINC, code: '60591-5', display: 'Patient summary Document' }] },
    subject: { reference: fullUrl(patient), display: patientName(patient) },
    date: new Date().toISOString(),
    author: [{ reference: authorUrl, display: 'FibroTrack FHIR server' }],
    title: `International Patient Summary: ${patientName(patient)}`,
    section: built.map((b) => b.section),
  };
  const bundle = documentBundle({
    composition,
    compositionUrl: `urn:uuid:${composition.id}`,
    profile: IPS_BUNDLE_PROFILE,
    resources: [
      storedEntry(ctx, ipsPatient(patient)),
      ...entries.map((r) => storedEntry(ctx, r)),
      ...medications.map((r) => storedEntry(ctx, r)),
      { fullUrl: authorUrl, resource: author },
    ],
  });
  return { status: 200, resource: bundle };
}

function checkParams(query: URLSearchParams): void {
  for (const [name, value] of query) {
    if (FORMAT_PARAMS.has(name)) continue;
    if (name === 'profile') {
      if (value.split('|')[0] !== IPS_BUNDLE_PROFILE)
        throw invalidParameter(`profile: this server writes summaries to ${IPS_BUNDLE_PROFILE} only, not '${value}'`, 'profile');
      continue;
    }
    throw unknownParameter(`$summary takes no parameter '${name}' (only profile, _format and _pretty on Patient/[id]/$summary)`, name);
  }
}

/** Medications the medication entries refer to (medicationReference), readable by the token. */
async function referencedMedications(ctx: FhirContext, entries: Resource[]): Promise<Resource[]> {
  const refs = new Set<string>();
  for (const r of entries) {
    if (r.resourceType === 'MedicationStatement' || r.resourceType === 'MedicationRequest') {
      const ref = (r as MedicationStatement | MedicationRequest).medicationReference?.reference;
      if (ref) refs.add(ref);
    }
  }
  const found = await Promise.all([...refs].map((ref) => readReference(ctx, ref)));
  return found.filter((r): r is Resource => r !== undefined);
}

/** IPS requires a birth date: one not recorded is said to be unknown (data-absent-reason) rather than left out. */
function ipsPatient(p: Patient): Patient {
  if (p.birthDate) return p;
  return { ...p, _birthDate: { extension: [{ url: DATA_ABSENT, valueCode: 'unknown' }] } };
}

function patientName(p: Patient): string {
  const n = p.name?.[0];
  return n?.text ?? ([...(n?.given ?? []), n?.family].filter(Boolean).join(' ') || `Patient/${p.id}`);
}
