// Whether a stored resource matches a parsed search (search/search-request.ts): its criteria (parameters, chains,
// _has) and compartment, as search-sql.ts's WHERE clause decides it. https://hl7.org/fhir/R4/search.html
import type { CompartmentScope, ParamCriterion, SearchCriterion, SearchRequest } from '../../search/search-request.js';
import { TERMINOLOGY_MODIFIERS } from '../../search/param-types.js';
import type { TokenRow } from '../../indexing/index-rows.js';
import { codeSetMatcher, dateMatcher, MEMORY_PARAM_TYPES, refuse, rowsOf, tokenTextMatcher, valueMatcher } from './match-value.js';
import { keyOf, type MemoryState, type StoredResource } from './memory-state.js';
import { fromResourceRow } from '../../fhir-values/resource-row-params.js';

export interface MatchContext {
  state: MemoryState;
  baseUrl: string;
  now: number;
}

type Matcher = (r: StoredResource) => boolean;

/** The predicate of a whole search: built once, so that a malformed value is refused even when nothing is stored. */
export function requestMatcher(request: SearchRequest, ctx: MatchContext): Matcher {
  const criteria = request.criteria.map((c) => criterionMatcher(request.type, c, ctx));
  const scope = request.compartment ? compartmentMatcher(request.compartment) : undefined;
  return (r) => r.type === request.type && r.rows !== undefined && (!scope || scope(r)) && criteria.every((m) => m(r));
}

function criterionMatcher(type: string, c: SearchCriterion, ctx: MatchContext): Matcher {
  if (c.kind === 'param') return paramMatcher(c, ctx);
  if (c.kind === 'chain') {
    // The reference points at a current resource of one of the target types that meets the rest of the chain.
    const targets = c.targets.map((t) => ({ type: t.type, matches: criterionMatcher(t.type, t.criterion, ctx) }));
    return (r) =>
      r.rows!.reference.some((ref) => {
        if (ref.param !== c.def.code || ref.targetType === null || ref.targetId === null) return false;
        const target = ctx.state.resources.get(keyOf(ref.targetType, ref.targetId));
        return target?.rows !== undefined && targets.some((t) => t.type === target.type && t.matches(target));
      });
  }
  // _has: some current resource of c.type refers to this one through c.param and meets c.criterion.
  const inner = criterionMatcher(c.type, c.criterion, ctx);
  return (r) =>
    [...ctx.state.resources.values()].some(
      (s) =>
        s.type === c.type &&
        s.rows !== undefined &&
        s.rows.reference.some((ref) => ref.param === c.param && ref.targetType === r.type && ref.targetId === r.id) &&
        inner(s),
    );
}

function paramMatcher(c: ParamCriterion, ctx: MatchContext): Matcher {
  const code = c.def.code;
  // _id and _lastUpdated are columns of every resource row.
  if (fromResourceRow(code) && c.modifier === 'missing') return () => c.values[0] !== 'true';
  if (code === '_id') {
    const ids = new Set(c.values);
    return c.modifier === 'not' ? (r) => !ids.has(r.id) : (r) => ids.has(r.id);
  }
  if (code === '_lastUpdated') {
    const tests = c.values.map((v) => dateMatcher(v, c.name, ctx.now));
    return (r) => {
      const at = Date.parse(r.versions[r.versions.length - 1].lastUpdated);
      return tests.some((t) => t({ start: at, end: at }));
    };
  }
  if (!MEMORY_PARAM_TYPES.includes(c.def.type)) throw refuse(`${c.def.type} search parameters ('${c.name}')`);
  const rows = (r: StoredResource) => rowsOf(r.rows!, c.def, c.modifier);
  if (c.modifier === 'missing') {
    const missing = c.values[0] === 'true';
    return (r) => (rows(r).length === 0) === missing;
  }
  if (c.modifier && (TERMINOLOGY_MODIFIERS as readonly string[]).includes(c.modifier)) {
    if (!c.codeSets) throw new Error(`token :${c.modifier} reached the repository without its codes being resolved`);
    const inSet = codeSetMatcher(c.codeSets);
    const negated = c.modifier === 'not-in';
    return (r) => (rows(r) as TokenRow[]).some(inSet) !== negated;
  }
  if (c.modifier === 'text' && c.def.type === 'token') {
    const tests = c.values.map(tokenTextMatcher);
    return (r) => tests.some((t) => t(rows(r) as TokenRow[]));
  }
  // :not holds for resources without a row the value matches (those without any row too), as SQL's NOT IN.
  const valueModifier = c.modifier === 'not' || c.modifier === 'identifier' ? undefined : c.modifier;
  const tests = c.values.map((v) => valueMatcher(c.modifier === 'identifier' ? { ...c.def, type: 'token' } : c.def, valueModifier, v, ctx));
  const negated = c.modifier === 'not';
  return (r) => rows(r).some((row) => tests.some((t) => t(row as never))) !== negated;
}

/** The resource refers to the compartment owner through one of the scope's parameters (`{def}`: it is the owner). */
function compartmentMatcher(scope: CompartmentScope): Matcher {
  return (r) =>
    scope.params.some((p) =>
      p === '{def}'
        ? r.type === scope.type && r.id === scope.id
        : r.rows!.reference.some((ref) => ref.param === p && ref.targetType === scope.type && ref.targetId === scope.id),
    );
}
