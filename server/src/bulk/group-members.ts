// The patients a group export covers: the Patients an actual Group lists and has not marked inactive (kick-off and
// `fibrotrack export --group`). https://hl7.org/fhir/uv/bulkdata/export.html#endpoint---group-of-patients
import type { Group } from 'fhir/r4.js';
import type { FhirRepository } from '../store/repository.js';
import type { ExportSpec } from './export-spec.js';

export function groupMembers(group: Group): string[] {
  const ids = (group.member ?? [])
    .filter((m) => m.inactive !== true)
    .map((m) => /(?:^|\/)Patient\/([A-Za-z0-9\-.]{1,64})$/.exec(m.entity?.reference ?? '')?.[1])
    .filter((id): id is string => id !== undefined);
  return [...new Set(ids)];
}

/**
 * A group export's spec: confined to the Group's members (of them, those the request's `patient` names, if any), the
 * Group read through `repo` (the token's, at kick-off: a Group it may not read is unknown). Undefined: no such Group.
 */
export async function confineToGroup(spec: ExportSpec, groupId: string, repo: FhirRepository): Promise<ExportSpec | undefined> {
  const group = (await repo.read('Group', groupId))?.resource as Group | undefined;
  if (!group) return undefined;
  const members = groupMembers(group);
  return { ...spec, groupId, patients: spec.patients ? spec.patients.filter((p) => members.includes(p)) : members };
}
