// A Bulk Data `_typeFilter` query (https://hl7.org/fhir/uv/bulkdata/export.html#_typefilter-query-parameter) as a
// search request, terminology modifiers (`code:in=<ValueSet>`, `:not-in`, `:above`, `:below`) resolved as a search
// resolves them: at kick-off, so a filter naming an unknown value set is a 400 then, and again when the job runs.
import { OutcomeError, invalidParameter } from '../core/outcomes.js';
import type { Definitions } from '../definitions/r4-definitions.js';
import { parseSearch } from '../search/parse-search.js';
import { resolveCodes, type CodeResolver } from '../search/resolve-codes.js';
import type { SearchRequest } from '../search/search-request.js';

/** The search `query` stands for on `type`; a 400 naming the `_typeFilter` when its codes cannot be resolved. */
export async function typeFilterRequest(
  type: string,
  query: string,
  defs: Definitions,
  codes: CodeResolver,
  extra?: URLSearchParams,
): Promise<SearchRequest> {
  const params = new URLSearchParams(query);
  for (const [k, v] of extra ?? []) params.append(k, v);
  try {
    return await resolveCodes(parseSearch(type, params, defs), codes);
  } catch (err) {
    if (!(err instanceof OutcomeError)) throw err;
    throw invalidParameter(`_typeFilter '${type}?${query}': ${err.message}`, '_typeFilter');
  }
}

/** Kick-off: every filter resolves (400 otherwise), so that the job does not fail on it later. */
export async function checkTypeFilters(filters: Record<string, string[]>, defs: Definitions, codes: CodeResolver): Promise<void> {
  for (const [type, queries] of Object.entries(filters)) {
    for (const query of queries) await typeFilterRequest(type, query, defs, codes);
  }
}
