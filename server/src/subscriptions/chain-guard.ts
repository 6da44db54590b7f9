// A chain or _has into Subscription would answer whether some Subscription (anyone's) meets a condition: a
// Provenance visible to the caller whose target is another user's Subscription, searched with
// `target:Subscription.url=https://...`, tells that a Subscription with that endpoint exists. Subscriptions are
// visible only to their owner (own-subscriptions.ts), and the search SQL cannot see owners, so such searches are
// refused for every token (400 naming the parameter). A chain without a type (`target.url=`) that could reach
// Subscription is refused too: name the type (`target:Basic.url=`).
// https://hl7.org/fhir/R4/search.html#chaining, https://hl7.org/fhir/R4/search.html#has
import { invalidParameter } from '../core/outcomes.js';
import type { SearchCriterion, SearchRequest } from '../search/search-request.js';

const TYPE = 'Subscription';

const reaches = (c: SearchCriterion): boolean => {
  if (c.kind === 'chain') return c.targets.some((t) => t.type === TYPE || reaches(t.criterion));
  if (c.kind === 'has') return c.type === TYPE || reaches(c.criterion);
  return false;
};

export function refuseChainsIntoSubscription(request: SearchRequest): void {
  for (const c of request.criteria) {
    if (!reaches(c)) continue;
    throw invalidParameter(
      `Search parameter '${c.name}': chained and _has searches through Subscription are not supported (a Subscription is visible only to its owner)${
        c.kind === 'chain' && !c.name.includes(':') ? '; name the target type with a modifier (e.g. :Basic)' : ''
      }`,
      c.name,
    );
  }
}
