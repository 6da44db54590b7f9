// Follows _include and _revinclude from a page of matches; :iterate specs follow from what was included
// too, a few rounds deep. Matches are never repeated as includes. https://hl7.org/fhir/R4/search.html#revinclude
import type { Resource } from 'fhir/r4.js';
import type { DerivedParams } from '../../../definitions/derived-params.js';
import type { SearchRequest } from '../../../search/search-request.js';
import type { Sql } from '../../sql.js';
import { MAX_INCLUDED, includeSql, revincludeSql } from './include-sql.js';
import { parseExact } from '../../../core/exact-numbers.js';

const ITERATE_ROUNDS = 3;
const keyOf = (r: Resource) => `${r.resourceType}/${r.id}`;

export async function resolveIncludes(
  request: SearchRequest,
  matches: Resource[],
  run: (q: Sql) => Promise<{ content: string | null }[]>,
  derived: DerivedParams,
): Promise<Resource[]> {
  const seen = new Set(matches.map(keyOf));
  const included: Resource[] = [];
  const follow = async (from: Resource[], iterateOnly: boolean): Promise<Resource[]> => {
    const found: Resource[] = [];
    const specs = [
      ...request.include.map((s) => ({ s, q: () => includeSql(s, from, derived) })),
      ...request.revinclude.map((s) => ({ s, q: () => revincludeSql(s, from, derived) })),
    ].filter(({ s }) => !iterateOnly || s.iterate);
    for (const { q } of specs) {
      const query = q();
      if (!query) continue;
      for (const row of await run(query)) {
        if (!row.content || included.length >= MAX_INCLUDED) continue;
        const resource = parseExact<Resource>(row.content);
        if (seen.has(keyOf(resource))) continue;
        seen.add(keyOf(resource));
        included.push(resource);
        found.push(resource);
      }
    }
    return found;
  };
  let frontier = await follow(matches, false);
  for (let round = 0; round < ITERATE_ROUNDS && frontier.length > 0; round++) frontier = await follow(frontier, true);
  return included;
}
