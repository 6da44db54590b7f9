// Reads, in one query per resource type, the resources the Binaries among a page name as their securityContext, so
// that the access policy (authorize-interaction.ts, rule 8b) can judge every Binary of the page without a lookup per
// item. Only current, undeleted versions count. https://hl7.org/fhir/R4/binary.html#security
import type { Resource } from 'fhir/r4.js';
import type { Definitions } from '../../definitions/r4-definitions.js';
import { parseSearch } from '../../search/parse-search.js';
import { MAX_COUNT } from '../../search/search-request.js';
import type { FhirRepository } from '../../store/repository.js';
import { securityContextOf, type ContextTargets } from './authorize-interaction.js';

const NONE: ContextTargets = new Map();

/** The securityContext resources of the Binaries among `resources`, by `Type/id` (stored, not deleted). */
export async function contextTargets(
  resources: readonly (Resource | undefined)[],
  repo: FhirRepository,
  defs: Definitions,
): Promise<ContextTargets> {
  const wanted = new Map<string, Set<string>>();
  for (const r of resources) {
    const context = r && securityContextOf(r);
    if (context && defs.isResourceType(context.type))
      (wanted.get(context.type) ?? wanted.set(context.type, new Set()).get(context.type)!).add(context.id);
  }
  if (wanted.size === 0) return NONE;
  const found = new Map<string, Resource>();
  for (const [type, idSet] of wanted) {
    const ids = [...idSet];
    for (let i = 0; i < ids.length; i += MAX_COUNT) {
      const chunk = ids.slice(i, i + MAX_COUNT);
      const request = {
        ...parseSearch(type, new URLSearchParams({ _id: chunk.join(',') }), defs),
        count: chunk.length,
        total: 'none' as const,
      };
      for (const r of (await repo.search(request)).items) found.set(`${type}/${r.id}`, r);
    }
  }
  return found;
}
