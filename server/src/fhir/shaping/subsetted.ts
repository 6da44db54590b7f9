// Tags a shaped resource as incomplete (SUBSETTED). https://hl7.org/fhir/R4/search.html#summary
import type { Coding, Resource } from 'fhir/r4.js';
import { copyExact } from '../../core/exact-numbers.js';

export const SUBSETTED: Readonly<Coding> = Object.freeze({
  system: 'http://terminology.hl7.org/CodeSystem/v3-ObservationValue',
  code: 'SUBSETTED',
  display: 'subsetted',
});

/** Warns clients not to write the result back over the full resource. Appended once, on a new meta object. */
export function markSubsetted(resource: Record<string, unknown>): Resource {
  const meta = (resource.meta ?? {}) as { tag?: Coding[] };
  const tags = meta.tag ?? [];
  if (tags.some((t) => t.system === SUBSETTED.system && t.code === SUBSETTED.code)) return resource as unknown as Resource;
  return copyExact(resource, { ...resource, meta: { ...meta, tag: [...tags, { ...SUBSETTED }] } }) as unknown as Resource;
}
