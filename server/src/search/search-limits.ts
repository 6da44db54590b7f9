// Bounds on how much one search may ask for, so that no query string can make the database sort, join or
// expand without limit (160 _sort keys ran MariaDB out of sort memory). Each is a 400 naming the limit, even
// under `Prefer: handling=lenient` (a limit is not an unknown parameter). Listed in docs/access-control-and-audit.md, "Limits".
// https://hl7.org/fhir/R4/search.html
import { overLimit } from '../core/outcomes.js';
import { splitSearchValues } from './value-escape.js';

export const SEARCH_LIMITS = {
  /** Keys in `_sort`. */
  sortKeys: 10,
  /** `_include` and `_revinclude` values together. */
  includes: 20,
  /** Reference steps one parameter takes: chain links and `_has` levels together. */
  chainDepth: 4,
  /** Nested `_has` levels in one parameter. */
  hasDepth: 3,
  /** Resource types an unqualified chain may expand to (`subject.name` tries every type `subject` can refer to). */
  chainBranches: 50,
  /** Comma-separated (ORed) values of one parameter. */
  orValues: 100,
  /** Times one parameter may be repeated (ANDed). */
  repeats: 10,
  /** Search criteria in one request, all parameters together. */
  criteria: 50,
} as const;

export function checkSortKeys(count: number): void {
  if (count > SEARCH_LIMITS.sortKeys) {
    throw overLimit(`_sort has ${count} keys; this server sorts on at most ${SEARCH_LIMITS.sortKeys}`, '_sort');
  }
}

export function checkIncludes(count: number, name: string): void {
  if (count > SEARCH_LIMITS.includes) {
    throw overLimit(`${count} _include and _revinclude values; this server takes at most ${SEARCH_LIMITS.includes}`, name);
  }
}

/** `chain` and `has` count the steps taken so far, the one being parsed included. */
export function checkDepth(name: string, chain: number, has: number): void {
  if (has > SEARCH_LIMITS.hasDepth) {
    throw overLimit(`Search parameter '${name}' nests _has deeper than ${SEARCH_LIMITS.hasDepth} levels`, name);
  }
  if (chain + has > SEARCH_LIMITS.chainDepth) {
    throw overLimit(
      `Search parameter '${name}' chains deeper than ${SEARCH_LIMITS.chainDepth} reference steps (chain links and _has levels together)`,
      name,
    );
  }
}

/** `leaves`: terminal parameters one parameter has expanded to so far, one per combination of chain target types. */
export function checkChainBranches(name: string, leaves: number): void {
  if (leaves > SEARCH_LIMITS.chainBranches) {
    throw overLimit(
      `Search parameter '${name}' expands to more than ${SEARCH_LIMITS.chainBranches} chains over different resource types; ` +
        'name the target type of each link (e.g. subject:Patient.name)',
      name,
    );
  }
}

/**
 * One parameter as written, before it is parsed: `repeat` is how often its name has occurred so far and `total`
 * how many criteria the request has so far, this one included in both.
 */
export function checkParameter(name: string, value: string, repeat: number, total: number): void {
  if (total > SEARCH_LIMITS.criteria) throw overLimit(`The search has more than ${SEARCH_LIMITS.criteria} criteria`, name);
  if (repeat > SEARCH_LIMITS.repeats)
    throw overLimit(`Search parameter '${name}' is repeated more than ${SEARCH_LIMITS.repeats} times`, name);
  // Commas not escaped as `\,` separate values (value-escape.ts).
  const values = splitSearchValues(value, false).length;
  if (values > SEARCH_LIMITS.orValues) {
    throw overLimit(
      `Search parameter '${name}' has ${values} comma-separated values; this server takes at most ${SEARCH_LIMITS.orValues}`,
      name,
    );
  }
}
