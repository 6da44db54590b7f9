// The IPS sections: medications (MedicationStatement and MedicationRequest), allergies, problems, results and
// vital signs, each from the patient's stored data. https://hl7.org/fhir/uv/ips/StructureDefinition-Composition-uv-ips.html
import type { AllergyIntolerance, Condition, MedicationRequest, MedicationStatement, Observation, Resource } from 'fhir/r4.js';
import type { FhirContext } from '../../fhir-context.js';
import { conceptText, quantityText, tableNarrative, whenText } from './narrative.js';
import { latestPerCode, searchFor, type Found } from './read-data.js';
import { LOINC, type SectionDraft } from './section.js';

/** At most this many entries per section (the newest first where the type has a date). */
export const SECTION_LIMIT = 100;
const count = String(SECTION_LIMIT);

const only = <T extends Resource>(found: Found, keep: (r: T) => boolean): Found =>
  found === 'withheld' ? found : (found as T[]).filter(keep);
const merge = (a: Found, b: Found): Found =>
  a === 'withheld' && b === 'withheld' ? 'withheld' : [...(a === 'withheld' ? [] : a), ...(b === 'withheld' ? [] : b)];

export async function medicationsSection(ctx: FhirContext, patient: string): Promise<SectionDraft> {
  const [statements, requests] = await Promise.all([
    searchFor(ctx, 'MedicationStatement', { patient, _count: count }),
    searchFor(ctx, 'MedicationRequest', { patient, _count: count }),
  ]);
  const found = merge(
    only<MedicationStatement>(statements, (m) => m.status !== 'entered-in-error'),
    only<MedicationRequest>(requests, (m) => m.status !== 'entered-in-error' && m.status !== 'draft'),
  );
  return {
    title: 'Medication Summary',
    code: { system: LOINC, code: '10160-0', display: 'History of Medication use Narrative' },
    found,
    render: (items) => ({
      entries: items,
      text: tableNarrative(
        `${items.length} medication record(s).`,
        ['Medication', 'Kind', 'Status', 'Dosage', 'Date'],
        items.map((r) => {
          const m = r as MedicationStatement | MedicationRequest;
          const dosage =
            (r.resourceType === 'MedicationStatement' ? (m as MedicationStatement).dosage : (m as MedicationRequest).dosageInstruction)?.[0]
              ?.text ?? '';
          const date =
            r.resourceType === 'MedicationStatement'
              ? ((m as MedicationStatement).effectiveDateTime ?? (m as MedicationStatement).effectivePeriod?.start ?? '')
              : ((m as MedicationRequest).authoredOn ?? '');
          const name = conceptText(m.medicationCodeableConcept) || m.medicationReference?.display || m.medicationReference?.reference || '';
          return [name, r.resourceType === 'MedicationStatement' ? 'statement' : 'prescription', m.status ?? '', dosage, date.slice(0, 10)];
        }),
      ),
    }),
  };
}

export async function allergiesSection(ctx: FhirContext, patient: string): Promise<SectionDraft> {
  const found = only<AllergyIntolerance>(
    await searchFor(ctx, 'AllergyIntolerance', { patient, _count: count }),
    (a) => a.verificationStatus?.coding?.[0]?.code !== 'entered-in-error',
  );
  return {
    title: 'Allergies and Intolerances',
    code: { system: LOINC, code: '48765-2', display: 'Allergies and adverse reactions Document' },
    found,
    render: (items) => ({
      entries: items,
      text: tableNarrative(
        `${items.length} allergy or intolerance record(s).`,
        ['Substance', 'Criticality', 'Clinical status', 'Reaction'],
        (items as AllergyIntolerance[]).map((a) => [
          conceptText(a.code),
          a.criticality ?? '',
          conceptText(a.clinicalStatus),
          (a.reaction ?? []).flatMap((x) => x.manifestation.map(conceptText)).join(', '),
        ]),
      ),
    }),
  };
}

const PAST = new Set(['inactive', 'resolved', 'remission']);

export async function problemsSection(ctx: FhirContext, patient: string): Promise<SectionDraft> {
  const found = only<Condition>(
    await searchFor(ctx, 'Condition', { patient, _count: count }),
    (c) => !PAST.has(c.clinicalStatus?.coding?.[0]?.code ?? '') && c.verificationStatus?.coding?.[0]?.code !== 'entered-in-error',
  );
  return {
    title: 'Problem List',
    code: { system: LOINC, code: '11450-4', display: 'Problem list - Reported' },
    found,
    render: (items) => ({
      entries: items,
      text: tableNarrative(
        `${items.length} current problem(s).`,
        ['Problem', 'Clinical status', 'Onset'],
        (items as Condition[]).map((c) => [
          conceptText(c.code),
          conceptText(c.clinicalStatus),
          (c.onsetDateTime ?? c.onsetPeriod?.start ?? '').slice(0, 10),
        ]),
      ),
    }),
  };
}

const observationRows = (items: Resource[]) =>
  (items as Observation[]).map((o) => [
    conceptText(o.code),
    quantityText(o.valueQuantity) || conceptText(o.valueCodeableConcept) || o.valueString || '',
    whenText(o),
  ]);

export async function resultsSection(ctx: FhirContext, patient: string): Promise<SectionDraft> {
  const found = await searchFor(ctx, 'Observation', {
    patient,
    category: 'http://terminology.hl7.org/CodeSystem/observation-category|laboratory',
    _sort: '-date',
    _count: count,
  });
  return {
    title: 'Results',
    code: { system: LOINC, code: '30954-2', display: 'Relevant diagnostic tests/laboratory data Narrative' },
    found,
    render: (items) => ({
      entries: items,
      text: tableNarrative(`${items.length} laboratory result(s), newest first.`, ['Test', 'Value', 'Date'], observationRows(items)),
    }),
  };
}

export async function vitalSignsSection(ctx: FhirContext, patient: string): Promise<SectionDraft> {
  const found = await latestPerCode(ctx, { patient, category: 'http://terminology.hl7.org/CodeSystem/observation-category|vital-signs' });
  return {
    title: 'Vital Signs',
    code: { system: LOINC, code: '8716-3', display: 'Vital signs' },
    found,
    render: (items) => ({
      entries: items,
      text: tableNarrative('The latest value of each vital sign.', ['Vital sign', 'Value', 'Date'], observationRows(items)),
    }),
  };
}
