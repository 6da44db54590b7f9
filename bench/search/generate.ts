// Synthetic chronic-pain records for bench/search: per patient a year of daily pain scores, resting heart
// rate and steps, plus medication statements referring to shared Medication resources.
import type { Bundle, BundleEntry } from 'fhir/r4.js';

export const DAYS = 365;
export const OBSERVATIONS_PER_PATIENT = DAYS * 3;
export const MEDICATIONS = 20;
const LOINC = 'http://loinc.org';
const CATEGORY = 'http://terminology.hl7.org/CodeSystem/observation-category';
const DAY_MS = 86_400_000;
export const END = Date.UTC(2026, 10, 1);

const entry = (resource: Record<string, unknown>, method: 'POST' | 'PUT' = 'POST'): BundleEntry => ({
  resource: resource as never,
  request: { method, url: method === 'PUT' ? `${String(resource.resourceType)}/${String(resource.id)}` : String(resource.resourceType) },
});

/** Deterministic pseudo-random numbers, so every run builds the same data. */
function random(seed: number): () => number {
  let x = (seed * 2654435761) >>> 0 || 1;
  return () => (x = (x * 1103515245 + 12345) >>> 0) / 2 ** 32;
}

export function medicationsBundle(): Bundle {
  return {
    resourceType: 'Bundle',
    type: 'transaction',
    entry: Array.from({ length: MEDICATIONS }, (_, m) =>
      entry(
        {
          resourceType: 'Medication',
          id: `med-${m}`,
          code: { coding: [{ system: 'http://www.nlm.nih.gov/research/umls/rxnorm', code: String(310965 + m) }] },
        },
        'PUT',
      ),
    ),
  };
}

const obs = (patient: string, code: string, category: string, when: number, value: number, unit: string) => ({
  resourceType: 'Observation',
  status: 'final',
  category: [{ coding: [{ system: CATEGORY, code: category }] }],
  code: { coding: [{ system: LOINC, code }] },
  subject: { reference: patient },
  effectiveDateTime: new Date(when).toISOString(),
  valueQuantity: { value, unit, system: 'http://unitsofmeasure.org', code: unit },
});

/** One patient's record as transaction Bundles of about `perBundle` entries. */
export function patientBundles(n: number, perBundle = 500): Bundle[] {
  const rnd = random(n + 1);
  const patientId = `bench-p${n}`;
  const ref = `Patient/${patientId}`;
  const entries: BundleEntry[] = [
    entry(
      {
        resourceType: 'Patient',
        id: patientId,
        identifier: [{ system: 'urn:bench', value: `P${n}` }],
        name: [{ family: `Bench${n}` }],
        gender: n % 2 ? 'male' : 'female',
      },
      'PUT',
    ),
  ];
  for (let m = 0; m < 3; m++) {
    entries.push(
      entry({
        resourceType: 'MedicationStatement',
        status: m === 0 ? 'active' : 'completed',
        medicationReference: { reference: `Medication/med-${(n + m * 7) % MEDICATIONS}` },
        subject: { reference: ref },
        effectivePeriod: { start: new Date(END - (m + 1) * 90 * DAY_MS).toISOString().slice(0, 10) },
      }),
    );
  }
  let pain = 3 + rnd() * 5;
  for (let d = 0; d < DAYS; d++) {
    const day = END - (DAYS - d) * DAY_MS;
    pain = Math.min(10, Math.max(0, pain + (rnd() - 0.5) * 2));
    entries.push(entry(obs(ref, '72514-3', 'survey', day + 8 * 3_600_000, Math.round(pain), '{score}')));
    entries.push(entry(obs(ref, '40443-4', 'vital-signs', day + 6 * 3_600_000, Math.round(55 + rnd() * 20), '/min')));
    entries.push(entry(obs(ref, '41950-7', 'activity', day + 23 * 3_600_000, Math.round(2000 + rnd() * 9000), '/d')));
  }
  const bundles: Bundle[] = [];
  for (let i = 0; i < entries.length; i += perBundle) {
    bundles.push({ resourceType: 'Bundle', type: 'transaction', entry: entries.slice(i, i + perBundle) });
  }
  return bundles;
}
