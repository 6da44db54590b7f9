// A patient for bench/summary: a year of daily pain scores (with body sites) and wearable data (resting heart
// rate, steps per day, sleep duration; codes of /work/shared/WEARABLES.md) from a watch Device, plus a small
// clinical record (problems, allergies, medications, labs, vital signs) so every IPS section has entries.
// Other patients get the same kind of year, so the tables are not one patient's alone.
import type { Bundle, BundleEntry } from 'fhir/r4.js';

const LOINC = 'http://loinc.org';
const UCUM = 'http://unitsofmeasure.org';
const CATEGORY = 'http://terminology.hl7.org/CodeSystem/observation-category';
const DAY_MS = 86_400_000;
const START = Date.UTC(2025, 11, 7);

const put = (resource: Record<string, unknown>): BundleEntry => ({
  resource: resource as never,
  request: { method: 'PUT', url: `${String(resource.resourceType)}/${String(resource.id)}` },
});
const category = (code: string) => [{ coding: [{ system: CATEGORY, code }] }];
const SITES = [
  ['77568009', 'Back'],
  ['69536005', 'Head'],
  ['72696002', 'Knee'],
];

/** Patient `id`'s record: `days` days of pain, resting heart rate, steps and sleep, as transaction Bundles. */
export function summaryBundles(id: string, days = 365, perBundle = 500): Bundle[] {
  const ref = { reference: `Patient/${id}` };
  const watch = { reference: `Device/${id}-watch` };
  const entries: BundleEntry[] = [
    put({ resourceType: 'Patient', id, name: [{ given: ['Bench'], family: id }], birthDate: '1980-05-01', gender: 'female' }),
    put({
      resourceType: 'Device',
      id: `${id}-watch`,
      patient: ref,
      manufacturer: 'Apple Inc.',
      deviceName: [{ name: 'Apple Watch', type: 'user-friendly-name' }],
    }),
    put({ resourceType: 'Medication', id: `${id}-duloxetine`, code: { text: 'duloxetine 30 mg' } }),
    put({
      resourceType: 'Condition',
      id: `${id}-fm`,
      subject: ref,
      code: { text: 'Fibromyalgia' },
      onsetDateTime: '2019-03-01',
      clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' }] },
    }),
    put({
      resourceType: 'AllergyIntolerance',
      id: `${id}-allergy`,
      patient: ref,
      code: { text: 'Penicillin' },
      criticality: 'high',
      clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical', code: 'active' }] },
    }),
    put({
      resourceType: 'MedicationStatement',
      id: `${id}-ms`,
      status: 'active',
      subject: ref,
      effectiveDateTime: '2025-01-10',
      medicationReference: { reference: `Medication/${id}-duloxetine` },
      dosage: [{ text: '30 mg daily' }],
    }),
    put({
      resourceType: 'MedicationRequest',
      id: `${id}-mr`,
      status: 'active',
      intent: 'order',
      subject: ref,
      authoredOn: '2025-01-10',
      medicationCodeableConcept: { text: 'pregabalin 75 mg' },
    }),
  ];
  const obs = (
    kind: string,
    d: number,
    cat: string,
    code: string,
    when: string,
    value: number,
    unit: string,
    extra: Record<string, unknown> = {},
  ) =>
    put({
      resourceType: 'Observation',
      id: `${id}-${kind}-${d}`,
      status: 'final',
      category: category(cat),
      code: { coding: [{ system: LOINC, code }] },
      subject: ref,
      effectiveDateTime: when,
      valueQuantity: { value, unit, system: UCUM, code: unit },
      ...extra,
    });
  for (let d = 0; d < days; d++) {
    const day = START + d * DAY_MS;
    const at = (h: number) => new Date(day + h * 3_600_000).toISOString();
    const [code, display] = SITES[d % SITES.length];
    entries.push(
      obs('pain', d, 'survey', '72514-3', at(8), (d * 7) % 11, '{score}', {
        bodySite: { coding: [{ system: 'http://snomed.info/sct', code, display }] },
      }),
    );
    entries.push(obs('rhr', d, 'vital-signs', '40443-4', at(6), 55 + (d % 12), '/min', { device: watch }));
    entries.push(obs('steps', d, 'activity', '41950-7', at(23), 4000 + ((d * 397) % 6000), '/d', { device: watch }));
    entries.push(obs('sleep', d, 'activity', '93832-4', at(7), 360 + (d % 90), 'min', { device: watch }));
    if (d % 30 === 0) {
      entries.push(obs('crp', d, 'laboratory', '1988-5', at(10), 2 + (d % 5), 'mg/L'));
      entries.push(obs('weight', d, 'vital-signs', '29463-7', at(7), 70 + (d % 3), 'kg'));
    }
  }
  const bundles: Bundle[] = [];
  for (let i = 0; i < entries.length; i += perBundle)
    bundles.push({ resourceType: 'Bundle', type: 'transaction', entry: entries.slice(i, i + perBundle) });
  return bundles;
}
