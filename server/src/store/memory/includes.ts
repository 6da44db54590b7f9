// _include (what the page's matches refer to) and _revinclude (what refers to them), :iterate a few rounds deep,
// bounded as store/mysql/include-sql.ts bounds them; matches are never repeated as includes.
// https://hl7.org/fhir/R4/search.html#revinclude
import type { IncludeSpec, SearchRequest } from '../../search/search-request.js';
import { currentResource, keyOf, type MemoryState, type StoredResource } from './memory-state.js';

const ITERATE_ROUNDS = 3;
const MAX_INCLUDED = 1000;

export function includedFor(request: SearchRequest, matches: readonly StoredResource[], state: MemoryState): StoredResource[] {
  const seen = new Set(matches.map((r) => keyOf(r.type, r.id)));
  const included: StoredResource[] = [];
  const follow = (from: readonly StoredResource[], iterateOnly: boolean): StoredResource[] => {
    const found: StoredResource[] = [];
    const specs = [
      ...request.include.map((s) => ({ s, find: () => referredTo(s, from, state) })),
      ...request.revinclude.map((s) => ({ s, find: () => referringTo(s, from, state) })),
    ].filter(({ s }) => !iterateOnly || s.iterate);
    for (const { find } of specs) {
      for (const r of find()) {
        const key = keyOf(r.type, r.id);
        if (included.length >= MAX_INCLUDED || seen.has(key)) continue;
        seen.add(key);
        included.push(r);
        found.push(r);
      }
    }
    return found;
  };
  let frontier = follow(matches, false);
  for (let round = 0; round < ITERATE_ROUNDS && frontier.length > 0; round++) frontier = follow(frontier, true);
  return included;
}

const takes = (spec: IncludeSpec, param: string) => spec.param === '*' || spec.param === param;
/** `_include=*` / `_revinclude=*` name no source type: any resource's references count (include-sql.ts). */
const fromType = (spec: IncludeSpec, type: string) => spec.sourceType === '*' || spec.sourceType === type;

function referredTo(spec: IncludeSpec, from: readonly StoredResource[], state: MemoryState): StoredResource[] {
  return from
    .filter((s) => fromType(spec, s.type) && s.rows)
    .flatMap((s) =>
      s.rows!.reference.filter(
        (ref) =>
          takes(spec, ref.param) &&
          ref.targetType !== null &&
          ref.targetId !== null &&
          (!spec.targetType || ref.targetType === spec.targetType),
      ),
    )
    .flatMap((ref) => {
      const target = state.resources.get(keyOf(ref.targetType!, ref.targetId!));
      return target?.rows ? [target] : [];
    });
}

function referringTo(spec: IncludeSpec, from: readonly StoredResource[], state: MemoryState): StoredResource[] {
  const targets = new Set(from.filter((t) => !spec.targetType || t.type === spec.targetType).map((t) => keyOf(t.type, t.id)));
  if (targets.size === 0) return [];
  return [...state.resources.values()].filter(
    (s) =>
      fromType(spec, s.type) &&
      s.rows &&
      s.rows.reference.some(
        (ref) => takes(spec, ref.param) && ref.targetType !== null && targets.has(keyOf(ref.targetType, ref.targetId ?? '')),
      ),
  );
}

export const resourcesOf = (stored: readonly StoredResource[]) => stored.flatMap((r) => currentResource(r) ?? []);
