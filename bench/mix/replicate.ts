// Copies of a Synthea transaction Bundle with fresh ids: every UUID in the Bundle (fullUrls, resource ids,
// `urn:uuid:` and `Type/id` references, identifiers carrying an id) is replaced by a fresh one, the same within a
// copy, so references still resolve inside it; the Patient's family name and identifiers are varied per copy so
// that searches by name prefix or identifier match different patients.
import { randomUUID } from 'node:crypto';

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;
const HAS_UUID = new RegExp(UUID.source);
/** Syllables prefixed to family names: copy n gets two of them, so 24² = 576 distinct 4-letter prefixes. */
const SYLLABLES = [
  'Ba',
  'Be',
  'Bo',
  'Ca',
  'Co',
  'Da',
  'De',
  'Fa',
  'Ga',
  'Ha',
  'Ja',
  'Ka',
  'La',
  'Li',
  'Ma',
  'Mo',
  'Na',
  'Pa',
  'Ra',
  'Sa',
  'Ta',
  'Va',
  'Wi',
  'Za',
];

/** The family name of copy `n`: two syllables chosen by n, then the original name in lower case. */
export const familyOf = (family: string, n: number) =>
  `${SYLLABLES[n % SYLLABLES.length]}${SYLLABLES[Math.floor(n / SYLLABLES.length) % SYLLABLES.length].toLowerCase()}${family.toLowerCase()}`;

interface PatientLike {
  resourceType: string;
  name?: { family?: string }[];
  identifier?: { value?: string }[];
}

/** Copy `n` of the Bundle text `template` (one Synthea patient's transaction Bundle), as Bundle text. */
export function replicate(template: string, n: number): string {
  const fresh = new Map<string, string>();
  const text = template.replace(UUID, (id) => {
    let next = fresh.get(id);
    if (!next) fresh.set(id, (next = randomUUID()));
    return next;
  });
  const bundle = JSON.parse(text) as { entry: { resource: PatientLike }[] };
  for (const { resource } of bundle.entry) {
    if (resource.resourceType !== 'Patient') continue;
    for (const name of resource.name ?? []) if (name.family) name.family = familyOf(name.family, n);
    // SSN, driver's licence, passport: suffixed (the UUID-valued ones are fresh already).
    for (const id of resource.identifier ?? []) if (id.value && !HAS_UUID.test(id.value)) id.value = `${id.value}-${n}`;
  }
  return JSON.stringify(bundle);
}
