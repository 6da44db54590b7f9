// A patient with `size` resources for bench/everything: daily pain scores, resting heart rate and steps from a
// watch (Device), encounters with a practitioner and a location, and medication statements of shared
// Medications; plus other patients' records around it, so the tables are not one patient's alone.
import type { Bundle, BundleEntry } from 'fhir/r4.js';

const LOINC = 'http://loinc.org';
const DAY_MS = 86_400_000;
const START = Date.UTC(2020, 0, 1);

const put = (resource: Record<string, unknown>): BundleEntry => ({
  resource: resource as never,
  request: { method: 'PUT', url: `${String(resource.resourceType)}/${String(resource.id)}` },
});

/** Shared resources every record refers to: practitioners, a clinic, its rooms, medications. */
export function sharedBundle(): Bundle {
  return {
    resourceType: 'Bundle',
    type: 'transaction',
    entry: [
      put({ resourceType: 'Organization', id: 'clinic', name: 'Pain clinic' }),
      ...Array.from({ length: 5 }, (_, i) => put({ resourceType: 'Practitioner', id: `doc-${i}` })),
      ...Array.from({ length: 3 }, (_, i) =>
        put({ resourceType: 'Location', id: `room-${i}`, managingOrganization: { reference: 'Organization/clinic' } }),
      ),
      ...Array.from({ length: 10 }, (_, i) => put({ resourceType: 'Medication', id: `drug-${i}`, code: { text: `drug ${i}` } })),
    ],
  };
}

/** Patient `id`'s record of about `size` resources, as transaction Bundles of `perBundle` entries. */
export function recordBundles(id: string, size: number, perBundle = 500): Bundle[] {
  const ref = { reference: `Patient/${id}` };
  const entries: BundleEntry[] = [
    put({
      resourceType: 'Patient',
      id,
      managingOrganization: { reference: 'Organization/clinic' },
      generalPractitioner: [{ reference: 'Practitioner/doc-0' }],
    }),
    put({ resourceType: 'Device', id: `${id}-watch`, patient: ref }),
  ];
  for (let n = 0; entries.length < size; n++) {
    const day = START + Math.floor(n / 4) * DAY_MS;
    const at = (h: number) => new Date(day + h * 3_600_000).toISOString();
    const obs = (code: string, h: number, value: number, extra: Record<string, unknown> = {}) =>
      put({
        resourceType: 'Observation',
        id: `${id}-${code}-${n}`,
        status: 'final',
        code: { coding: [{ system: LOINC, code }] },
        subject: ref,
        effectiveDateTime: at(h),
        valueQuantity: { value },
        ...extra,
      });
    if (n % 4 === 0) entries.push(obs('72514-3', 8, n % 11, { performer: [{ reference: `Practitioner/doc-${n % 5}` }] }));
    if (n % 4 === 1) entries.push(obs('40443-4', 6, 60 + (n % 15), { device: { reference: `Device/${id}-watch` } }));
    if (n % 4 === 2) entries.push(obs('41950-7', 23, 5000 + n, { device: { reference: `Device/${id}-watch` } }));
    if (n % 4 === 3) {
      entries.push(
        n % 8 === 3
          ? put({
              resourceType: 'Encounter',
              id: `${id}-enc-${n}`,
              status: 'finished',
              class: { code: 'AMB' },
              subject: ref,
              period: { start: at(10), end: at(11) },
              participant: [{ individual: { reference: `Practitioner/doc-${n % 5}` } }],
              location: [{ location: { reference: `Location/room-${n % 3}` } }],
            })
          : put({
              resourceType: 'MedicationStatement',
              id: `${id}-ms-${n}`,
              status: 'active',
              subject: ref,
              effectiveDateTime: at(9),
              medicationReference: { reference: `Medication/drug-${n % 10}` },
            }),
      );
    }
  }
  const bundles: Bundle[] = [];
  for (let i = 0; i < entries.length; i += perBundle)
    bundles.push({ resourceType: 'Bundle', type: 'transaction', entry: entries.slice(i, i + perBundle) });
  return bundles;
}
