// Reads, in one query per resource type, the resources the Binaries among a page name as their securityContext, so
// that the access policy (authorize-interaction.ts, rule 8b) can judge every Binary of the page without a lookup per
// item. Only current, undeleted versions count. A securityContext that is itself a Binary with a securityContext is
// followed too, up to MAX_CONTEXT_DEPTH links (one query per type per link), so that the policy can judge the chain.
// https://hl7.org/fhir/R4/binary.html#security
import type { Resource } from 'fhir/r4.js';
import type { Definitions } from '../../definitions/r4-definitions.js';
import { parseSearch } from '../../search/parse-search.js';
import { MAX_COUNT } from '../../search/search-request.js';
import type { FhirRepository } from '../../store/repository.js';
import { MAX_CONTEXT_DEPTH, securityContextOf, type ContextTargets } from './authorize-interaction.js';

const NONE: ContextTargets = new Map();

/**
 * The securityContext resources of the Binaries among `resources`, by `Type/id` (stored, not deleted), and those of
 * the Binaries they name in turn, MAX_CONTEXT_DEPTH links deep at most; each resource is read once (a cycle ends).
 */
export async function contextTargets(
  resources: readonly (Resource | undefined)[],
  repo: FhirRepository,
  defs: Definitions,
): Promise<ContextTargets> {
  const found = new Map<string, Resource>();
  const asked = new Set<string>();
  let level: readonly (Resource | undefined)[] = resources;
  for (let depth = 1; depth <= MAX_CONTEXT_DEPTH; depth++) {
    const wanted = new Map<string, Set<string>>();
    for (const r of level) {
      const context = r && securityContextOf(r);
      const key = context && `${context.type}/${context.id}`;
      if (!context || !key || asked.has(key) || !defs.isResourceType(context.type)) continue;
      asked.add(key);
      (wanted.get(context.type) ?? wanted.set(context.type, new Set()).get(context.type)!).add(context.id);
    }
    if (wanted.size === 0) break;
    const next: Resource[] = [];
    for (const [type, idSet] of wanted) {
      const ids = [...idSet];
      for (let i = 0; i < ids.length; i += MAX_COUNT) {
        const chunk = ids.slice(i, i + MAX_COUNT);
        const request = {
          ...parseSearch(type, new URLSearchParams({ _id: chunk.join(',') }), defs),
          count: chunk.length,
          total: 'none' as const,
        };
        for (const r of (await repo.search(request)).items) {
          found.set(`${type}/${r.id}`, r);
          next.push(r);
        }
      }
    }
    level = next;
  }
  return found.size === 0 ? NONE : found;
}
