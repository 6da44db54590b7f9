// How the summary reads a patient's data: searches and $lastn through ctx.repo (the AuthorizedRepository under
// SMART), so every rule of the access policy applies. A type the token may not search is "withheld" data, not an error.
import type { Resource } from 'fhir/r4.js';
import { OutcomeError } from '../../../core/outcomes.js';
import { parseSearch } from '../../../search/parse-search.js';
import { resolveCodes } from '../../../search/resolve-codes.js';
import type { FhirContext } from '../../fhir-context.js';

/** Resources found, or 'withheld' when the token's scopes do not reach the type. */
export type Found = Resource[] | 'withheld';

export async function searchFor(ctx: FhirContext, type: string, query: Record<string, string>): Promise<Found> {
  return withheldOn403(async () => {
    const request = await resolveCodes(parseSearch(type, new URLSearchParams(query), ctx.defs), ctx.terminology);
    return (await ctx.repo.search(request)).items;
  });
}

/** The latest `max` Observations per code among those `query` matches. */
export async function latestPerCode(ctx: FhirContext, query: Record<string, string>, max = 1): Promise<Found> {
  return withheldOn403(async () => {
    const request = await resolveCodes(parseSearch('Observation', new URLSearchParams(query), ctx.defs), ctx.terminology);
    return ctx.repo.lastn(request, max);
  });
}

async function withheldOn403(fn: () => Promise<Resource[]>): Promise<Found> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof OutcomeError && err.status === 403) return 'withheld';
    throw err;
  }
}
