// Whether a written resource meets a subscription's criteria, decided by the search engine itself: the criteria
// search restricted to `_id=<written id>`, run inside the write's transaction (it sees the new index rows).
// No second implementation of search semantics.
import type { Definitions } from '../definitions/r4-definitions.js';
import { parseSearch } from '../search/parse-search.js';
import type { FhirRepository } from '../store/repository.js';
import type { Terminology } from '../terminology/terminology.js';
import { resolveCodes } from '../search/resolve-codes.js';

export type CriteriaMatcher = (tx: FhirRepository, type: string, criteria: string, id: string) => Promise<boolean>;

export function criteriaMatcher(defs: Definitions, terminology: Terminology): CriteriaMatcher {
  return async (tx, type, criteria, id) => {
    const params = new URLSearchParams(criteria);
    params.append('_id', id);
    const parsed = parseSearch(type, params, defs);
    Object.assign(parsed, { count: 1, total: 'none', include: [], revinclude: [], sort: [] });
    const request = await resolveCodes(parsed, terminology);
    const page = await tx.search(request);
    return page.items.length > 0;
  };
}
