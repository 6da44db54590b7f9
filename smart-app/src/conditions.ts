// Conditions (problems and diagnoses): the search and one row per Condition, active first, newest first. Pure.
import type { Condition, Resource } from 'fhir/r4.js';

export interface ConditionRow {
  id?: string;
  name: string;
  /** Clinical status as shown ("Active", "Resolved"...), "Unknown" when not recorded. */
  status: string;
  active: boolean;
  onset?: string;
  abatement?: string;
}

export function conditionSearchUrl(patientId: string): string {
  return `Condition?${new URLSearchParams({ patient: patientId, _count: '200' })}`;
}

const ACTIVE = new Set(['active', 'recurrence', 'relapse']);

export function conditionRows(resources: Resource[]): ConditionRow[] {
  const rows: ConditionRow[] = [];
  for (const r of resources) {
    if (r.resourceType !== 'Condition') continue;
    const c = r as Condition;
    const verification = c.verificationStatus?.coding?.[0]?.code;
    if (verification === 'entered-in-error' || verification === 'refuted') continue;
    const status = c.clinicalStatus?.coding?.[0]?.code;
    const name =
      c.code?.text?.trim() || c.code?.coding?.find((x) => x.display)?.display || c.code?.coding?.[0]?.code || 'Unnamed condition';
    rows.push({
      id: c.id,
      name,
      active: status !== undefined && ACTIVE.has(status),
      status: status ? status.charAt(0).toUpperCase() + status.slice(1) : 'Unknown',
      onset: c.onsetDateTime ?? c.onsetPeriod?.start ?? c.recordedDate,
      abatement: c.abatementDateTime ?? c.abatementPeriod?.end,
    });
  }
  const time = (v?: string) => (v ? Date.parse(v) : 0) || 0;
  return rows.sort((a, b) => Number(b.active) - Number(a.active) || time(b.onset) - time(a.onset) || a.name.localeCompare(b.name));
}
