// Conditional interactions find their target with a search. https://hl7.org/fhir/R4/http.html#cond-update
import type { Resource } from 'fhir/r4.js';
import { badRequest } from '../core/outcomes.js';
import { parseSearch } from '../search/parse-search.js';
import type { FhirRepository } from '../store/repository.js';
import { resolveCodes } from '../search/resolve-codes.js';
import type { FhirContext } from './fhir-context.js';

/** Up to two matches: enough to tell none, one and several apart. */
export async function findMatches(
  repo: FhirRepository,
  ctx: FhirContext,
  type: string,
  criteria: URLSearchParams | string,
): Promise<Resource[]> {
  const params = typeof criteria === 'string' ? new URLSearchParams(criteria.replace(/^\?/, '')) : criteria;
  if ([...params.keys()].filter((k) => !k.startsWith('_format') && k !== '_pretty').length === 0) {
    throw badRequest(`A conditional ${type} interaction needs search criteria`);
  }
  const request = await resolveCodes(parseSearch(type, params, ctx.defs), ctx.terminology);
  // Only the matches count here: no includes, totals or later pages to compute.
  Object.assign(request, { count: 2, include: [], revinclude: [], total: 'none', cursor: undefined });
  return (await repo.search(request)).items;
}

/** Named lock so two conditional creates with the same criteria cannot both create. */
export const conditionKey = (type: string, criteria: string) => `${type}?${criteria}`;
