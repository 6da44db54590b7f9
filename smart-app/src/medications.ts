// Current medications: the search, and one display row per active MedicationStatement. Pure.
import type { CodeableConcept, Medication, MedicationStatement, Resource } from 'fhir/r4.js';

export interface MedicationRow {
  name: string;
  dosage: string;
  since?: string;
  id?: string;
}

export function medicationSearchUrl(patientId: string): string {
  const params = new URLSearchParams({
    patient: patientId,
    status: 'active',
    _include: 'MedicationStatement:medication',
    _count: '100',
  });
  return `MedicationStatement?${params}`;
}

function conceptText(concept: CodeableConcept | undefined): string | undefined {
  return concept?.text?.trim() || concept?.coding?.find((c) => c.display)?.display || concept?.coding?.find((c) => c.code)?.code;
}

/**
 * Rows for the active statements among `resources` (a search result with its included Medications),
 * sorted by name. A medicationReference is resolved against the included Medications.
 */
export function medicationRows(resources: Resource[]): MedicationRow[] {
  const medications = new Map<string, Medication>();
  for (const r of resources) if (r.resourceType === 'Medication' && r.id) medications.set(`Medication/${r.id}`, r as Medication);
  const rows: MedicationRow[] = [];
  for (const r of resources) {
    if (r.resourceType !== 'MedicationStatement') continue;
    const ms = r as MedicationStatement;
    if (ms.status !== 'active') continue;
    const ref = ms.medicationReference;
    const name = conceptText(ms.medicationCodeableConcept) ??
      (ref?.reference ? conceptText(medications.get(ref.reference)?.code) : undefined) ??
      ref?.display ?? 'Unnamed medication';
    const dosage = (ms.dosage ?? []).map((d) => d.text?.trim()).filter(Boolean).join('; ') || 'No dosage recorded';
    const since = ms.effectiveDateTime ?? ms.effectivePeriod?.start ?? ms.dateAsserted;
    rows.push({ name, dosage, since, id: ms.id });
  }
  return rows.sort((a, b) => a.name.localeCompare(b.name));
}
