// _sort=a,-b: sort keys, each a search parameter, descending when prefixed with '-'.
// https://hl7.org/fhir/R4/search.html#sort
import { invalidParameter, unknownSort } from '../core/outcomes.js';
import type { Definitions } from '../definitions/r4-definitions.js';
import { isSearchableType } from './param-types.js';
import { checkSortKeys } from './search-limits.js';
import type { SortKey } from './search-request.js';

export function parseSort(type: string, value: string | null, defs: Definitions): SortKey[] {
  if (value === null) return [];
  const keys = value.split(',');
  checkSortKeys(keys.length);
  return keys.map((raw) => {
    const desc = raw.startsWith('-');
    const code = desc ? raw.slice(1) : raw;
    const def = defs.searchParams(type).get(code);
    if (!def) throw unknownSort(`_sort: unknown search parameter '${code}' for ${type}`);
    if (!isSearchableType(def.type) || def.type === 'composite') {
      throw invalidParameter(`_sort: cannot sort on '${code}' (${def.type})`, '_sort');
    }
    return { def, desc };
  });
}
