// The active Subscriptions as the outbox matches them: grouped by type and distinct criteria (1,000 Subscriptions
// with the same query are one evaluation), each criteria compiled once into the search engine's in-memory matcher
// (store/memory/match-criterion.ts, the meaning MySQL's search SQL gives it), and an inverted index of the token and
// reference values a criteria requires, so that a written resource is checked only against the criteria it could
// meet. Criteria the in-memory matcher cannot answer (_has, chains of chains, value sets, full text, composites)
// keep the search itself, run in the write's transaction (matcher.ts). The pre-filter only ever excludes.
import type { Resource } from 'fhir/r4.js';
import { OutcomeError } from '../core/outcomes.js';
import type { Definitions } from '../definitions/r4-definitions.js';
import { fromResourceRow } from '../fhir-values/resource-row-params.js';
import type { IndexRows } from '../indexing/index-rows.js';
import { isTerminologyModifier } from '../search/param-types.js';
import { parseSearch } from '../search/parse-search.js';
import type { ParamCriterion, SearchCriterion, SearchRequest } from '../search/search-request.js';
import { requestMatcher, type MatchContext } from '../store/memory/match-criterion.js';
import { emptyState, keyOf, type MemoryState, type StoredResource } from '../store/memory/memory-state.js';
import type { Grant } from './grant.js';

export interface ActiveSubscription {
  id: string;
  /** The topic's canonical URL when the Subscription follows one. */
  topic: string | null;
  grant: Grant | undefined;
}

/** How a group's criteria is decided for a written resource. */
export type GroupMatch =
  /** In memory; `chains` names the reference parameters whose targets must be read first. */
  | { kind: 'memory'; matches: (r: StoredResource) => boolean; chains: string[] }
  /** By the search itself, in the write's transaction. */
  | { kind: 'search' };

export interface CriteriaGroup {
  type: string;
  criteria: string;
  subscriptions: ActiveSubscription[];
  match: GroupMatch;
}

export interface CriteriaIndex {
  /** The groups a written resource of `type` with these index rows could match (a superset of those it matches). */
  candidates(type: string, rows: IndexRows): CriteriaGroup[];
  /** The match context the memory matchers read targets of chains from: set before each synchronous evaluation. */
  context: MatchContext;
  size: number;
}

interface TypeIndex {
  byKey: Map<string, CriteriaGroup[]>;
  unkeyed: CriteriaGroup[];
}

export function buildCriteriaIndex(
  subscriptions: readonly (ActiveSubscription & { type: string; criteria: string })[],
  defs: Definitions,
  baseUrl: string,
): CriteriaIndex {
  const context: MatchContext = { state: emptyState(), baseUrl, now: Date.now() };
  const groups = new Map<string, CriteriaGroup & { request?: SearchRequest }>();
  for (const s of subscriptions) {
    const key = `${s.type}?${s.criteria}`;
    let group = groups.get(key);
    if (!group) {
      group = { type: s.type, criteria: s.criteria, subscriptions: [], ...compile(s.type, s.criteria, defs, context) };
      groups.set(key, group);
    }
    group.subscriptions.push({ id: s.id, topic: s.topic, grant: s.grant });
  }
  const types = new Map<string, TypeIndex>();
  for (const group of groups.values()) {
    let index = types.get(group.type);
    if (!index) types.set(group.type, (index = { byKey: new Map(), unkeyed: [] }));
    const keys = group.request ? requiredKeys(group.request, baseUrl) : undefined;
    if (!keys) index.unkeyed.push(group);
    else for (const k of keys) index.byKey.set(k, [...(index.byKey.get(k) ?? []), group]);
  }
  return {
    context,
    size: subscriptions.length,
    candidates(type, rows) {
      const index = types.get(type);
      if (!index) return [];
      const found = new Set(index.unkeyed);
      for (const k of resourceKeys(rows)) for (const g of index.byKey.get(k) ?? []) found.add(g);
      return [...found];
    },
  };
}

/** The criteria parsed once; in memory when the in-memory matcher answers it exactly, else by the search. */
function compile(type: string, criteria: string, defs: Definitions, context: MatchContext): { match: GroupMatch; request?: SearchRequest } {
  let request: SearchRequest;
  try {
    request = parseSearch(type, new URLSearchParams(criteria), defs);
  } catch (err) {
    // No longer parses (a SearchParameter since removed): the search path says so on each match (matchesOrWarn).
    if (err instanceof OutcomeError) return { match: { kind: 'search' } };
    throw err;
  }
  const chains: string[] = [];
  for (const c of request.criteria) {
    if (!inMemory(c, true)) return { match: { kind: 'search' }, request };
    if (c.kind === 'chain') chains.push(c.def.code);
  }
  try {
    return { match: { kind: 'memory', matches: requestMatcher(request, context), chains }, request };
  } catch (err) {
    // What the in-memory matcher refuses (composite, full text) or a value it finds bad: the search decides.
    if (err instanceof OutcomeError) return { match: { kind: 'search' }, request };
    throw err;
  }
}

/** Plain parameters without value sets, and chains one step deep (their targets are read before matching). */
function inMemory(c: SearchCriterion, top: boolean): boolean {
  if (c.kind === 'has') return false;
  if (c.kind === 'chain') return top && c.targets.every((t) => inMemory(t.criterion, false));
  return !isTerminologyModifier(c.modifier);
}

/**
 * The keys one of which a resource must have to match: those of the first reference criterion (or else token
 * criterion) whose every value gives one. Undefined: no criterion narrows it down.
 */
function requiredKeys(request: SearchRequest, baseUrl: string): string[] | undefined {
  const params = request.criteria.filter((c): c is ParamCriterion => c.kind === 'param' && !fromResourceRow(c.def.code));
  for (const kind of ['reference', 'token'] as const) {
    for (const c of params.filter((p) => p.def.type === kind)) {
      const keys = c.values.map((v) => (kind === 'reference' ? referenceKey(c, v, baseUrl) : tokenKey(c, v)));
      if (keys.every((k) => k !== undefined)) return keys;
    }
  }
  return undefined;
}

/** As referenceMatcher reads a value: `Type/id`, a bare id (with `:Type`), an absolute URL (ours read as local). */
function referenceKey(c: ParamCriterion, value: string, baseUrl: string): string | undefined {
  const local = value.startsWith(`${baseUrl}/`) ? value.slice(baseUrl.length + 1) : value;
  if (/^[a-z][a-z0-9+.-]*:/i.test(local)) return c.modifier ? undefined : `u ${c.def.code} ${local.split('|')[0]}`;
  const parts = local.split('/');
  if (parts.length === 2 && (!c.modifier || c.modifier === parts[0])) return `r ${c.def.code} ${parts[0]}/${parts[1]}`;
  if (parts.length === 1 && !c.modifier) return `i ${c.def.code} ${parts[0]}`;
  if (parts.length === 1 && c.modifier && /^[A-Z]/.test(c.modifier)) return `r ${c.def.code} ${c.modifier}/${parts[0]}`;
  return undefined;
}

/** As tokenMatcher reads a value without a modifier: `system|code`, `|code`, `system|`, `code`. */
function tokenKey(c: ParamCriterion, value: string): string | undefined {
  if (c.modifier) return undefined;
  const bar = value.indexOf('|');
  if (bar < 0) return `c ${c.def.code} ${value}`;
  const system = value.slice(0, bar);
  const code = value.slice(bar + 1);
  if (code === '') return system === '' ? undefined : `s ${c.def.code} ${system}`;
  return `t ${c.def.code} ${system} ${code}`;
}

/** Every key a resource with these rows has. */
function resourceKeys(rows: IndexRows): string[] {
  const keys: string[] = [];
  for (const r of rows.reference) {
    if (r.url !== null) keys.push(`u ${r.param} ${r.url}`);
    if (r.targetId !== null) {
      keys.push(`i ${r.param} ${r.targetId}`);
      if (r.targetType !== null) keys.push(`r ${r.param} ${r.targetType}/${r.targetId}`);
    }
  }
  for (const t of rows.token) {
    if (t.system !== null) keys.push(`s ${t.param} ${t.system}`);
    if (t.code !== null) keys.push(`c ${t.param} ${t.code}`, `t ${t.param} ${t.system ?? ''} ${t.code}`);
  }
  return keys;
}

/** The written resource as the memory matcher reads it. */
export function storedForm(type: string, id: string, versionId: string, lastUpdated: string, rows: IndexRows): StoredResource {
  return {
    pk: 0,
    type,
    id,
    versions: [{ seq: 0, versionId: Number(versionId), lastUpdated, method: 'PUT', deleted: false }],
    rows,
  };
}

/** A state holding the targets of chains, for the memory matchers' chain criteria. */
export function chainState(
  targets: readonly { resource: Resource; rows: IndexRows; lastUpdated: string; versionId: string }[],
): MemoryState {
  const state = emptyState();
  for (const t of targets) {
    const id = t.resource.id!;
    state.resources.set(keyOf(t.resource.resourceType, id), storedForm(t.resource.resourceType, id, t.versionId, t.lastUpdated, t.rows));
  }
  return state;
}
