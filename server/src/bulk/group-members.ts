// The patients a group export covers: the Patients an actual Group lists and has not marked inactive (kick-off and
// `fibrotrack export --group`). https://hl7.org/fhir/uv/bulkdata/export.html#endpoint---group-of-patients
import type { Group } from 'fhir/r4.js';

export function groupMembers(group: Group): string[] {
  const ids = (group.member ?? [])
    .filter((m) => m.inactive !== true)
    .map((m) => /(?:^|\/)Patient\/([A-Za-z0-9\-.]{1,64})$/.exec(m.entity?.reference ?? '')?.[1])
    .filter((id): id is string => id !== undefined);
  return [...new Set(ids)];
}
