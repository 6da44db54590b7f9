// Marks a resource as a subset of the stored one. https://hl7.org/fhir/R4/search.html#summary
import type { Resource } from 'fhir/r4.js';

const SUBSETTED = { system: 'http://terminology.hl7.org/CodeSystem/v3-ObservationValue', code: 'SUBSETTED', display: 'subsetted' };

export function markSubsetted(resource: Record<string, unknown>): Resource {
  const meta = (resource.meta ?? {}) as { tag?: { system?: string; code?: string }[] };
  const tags = meta.tag ?? [];
  if (tags.some((t) => t.system === SUBSETTED.system && t.code === SUBSETTED.code)) return resource as unknown as Resource;
  return { ...resource, meta: { ...meta, tag: [...tags, SUBSETTED] } } as unknown as Resource;
}
