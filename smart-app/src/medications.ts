// Medications from both MedicationStatement and MedicationRequest, every status, with adherence: the searches
// and one entry per resource, current ones apart from past ones. Pure.
import type { CodeableConcept, Dosage, Medication, MedicationRequest, MedicationStatement, Resource } from 'fhir/r4.js';

export const ADHERENCE_URL = 'https://fhir.fibrotrack.org/StructureDefinition/fibrotrack-adherence';

export interface MedicationEntry {
  id?: string;
  /** Which resource said so: a statement (taken, reported) or a request (prescribed). */
  source: 'MedicationStatement' | 'MedicationRequest';
  name: string;
  dosage: string;
  status: string;
  /** FHIR date or dateTime; absent when not recorded. */
  start?: string;
  end?: string;
  /** "Taken", "Not taken" (with the reason when given); absent when not recorded. */
  adherence?: string;
  current: boolean;
}

const CURRENT_STATEMENT = new Set(['active', 'intended', 'on-hold']);
const CURRENT_REQUEST = new Set(['active', 'on-hold', 'draft']);

function search(type: string, patientId: string): string {
  return `${type}?${new URLSearchParams({ patient: patientId, _include: `${type}:medication`, _count: '200' })}`;
}

/** Every status (a stopped drug matters as much as a current one), with the Medications they refer to. */
export function medicationSearchUrls(patientId: string): string[] {
  return [search('MedicationStatement', patientId), search('MedicationRequest', patientId)];
}

function conceptText(concept: CodeableConcept | undefined): string | undefined {
  return concept?.text?.trim() || concept?.coding?.find((c) => c.display)?.display || concept?.coding?.find((c) => c.code)?.code;
}

function dosageText(dosage: Dosage[] | undefined): string {
  return (
    (dosage ?? [])
      .map((d) => d.text?.trim())
      .filter(Boolean)
      .join('; ') || 'No dosage recorded'
  );
}

function adherence(ms: MedicationStatement): string | undefined {
  const reason = conceptText(ms.statusReason?.[0]);
  if (ms.status === 'not-taken') return reason ? `Not taken: ${reason}` : 'Not taken';
  const ext = ms.extension?.find((e) => e.url === ADHERENCE_URL)?.valueCodeableConcept;
  const code = ext?.coding?.[0]?.code;
  if (!ext) return undefined;
  if (code === 'not-taken') return reason ? `Not taken: ${reason}` : 'Not taken';
  if (code === 'taken') return 'Taken';
  return conceptText(ext);
}

/** Still current on `now`: a current status and no end before now. */
function isCurrent(status: string, statuses: Set<string>, end: string | undefined, now: Date): boolean {
  return statuses.has(status) && !(end && Date.parse(end) < now.getTime());
}

/**
 * One entry per statement or request among `resources` (a search result with its included Medications), current
 * first, then by start, newest first. entered-in-error is left out. A medicationReference is resolved against the
 * included Medications.
 */
export function medicationEntries(resources: Resource[], now: Date): MedicationEntry[] {
  const medications = new Map<string, Medication>();
  for (const r of resources) if (r.resourceType === 'Medication' && r.id) medications.set(`Medication/${r.id}`, r as Medication);
  const nameOf = (concept: CodeableConcept | undefined, ref: { reference?: string; display?: string } | undefined) =>
    conceptText(concept) ??
    (ref?.reference ? conceptText(medications.get(ref.reference)?.code) : undefined) ??
    ref?.display ??
    'Unnamed medication';
  const entries: MedicationEntry[] = [];
  for (const r of resources) {
    if (r.resourceType === 'MedicationStatement') {
      const ms = r as MedicationStatement;
      if (ms.status === 'entered-in-error') continue;
      const start = ms.effectiveDateTime ?? ms.effectivePeriod?.start ?? ms.dateAsserted;
      const end = ms.effectivePeriod?.end;
      entries.push({
        id: ms.id,
        source: 'MedicationStatement',
        name: nameOf(ms.medicationCodeableConcept, ms.medicationReference),
        dosage: dosageText(ms.dosage),
        status: ms.status,
        start,
        end,
        adherence: adherence(ms),
        current: isCurrent(ms.status, CURRENT_STATEMENT, end, now),
      });
    } else if (r.resourceType === 'MedicationRequest') {
      const mr = r as MedicationRequest;
      if (mr.status === 'entered-in-error') continue;
      const validity = mr.dispenseRequest?.validityPeriod;
      const end = validity?.end;
      entries.push({
        id: mr.id,
        source: 'MedicationRequest',
        name: nameOf(mr.medicationCodeableConcept, mr.medicationReference),
        dosage: dosageText(mr.dosageInstruction),
        status: mr.status,
        start: validity?.start ?? mr.authoredOn,
        end,
        current: isCurrent(mr.status, CURRENT_REQUEST, end, now),
      });
    }
  }
  const startOf = (e: MedicationEntry) => (e.start ? Date.parse(e.start) : 0) || 0;
  return entries.sort((a, b) => Number(b.current) - Number(a.current) || startOf(b) - startOf(a) || a.name.localeCompare(b.name));
}

/** "MedicationStatement" reads as "Reported", "MedicationRequest" as "Prescribed". */
export function sourceLabel(source: MedicationEntry['source']): string {
  return source === 'MedicationStatement' ? 'Reported' : 'Prescribed';
}

export function statusLabel(status: string): string {
  return (status.charAt(0).toUpperCase() + status.slice(1)).replace(/-/g, ' ');
}
