// Query string -> SearchRequest, refusing what we do not understand. https://hl7.org/fhir/R4/search.html
import { invalidModifier, invalidParameter, unknownChain, unknownParameter } from '../core/outcomes.js';
import type { Definitions } from '../definitions/r4-definitions.js';
import { parseInclude } from './parse-include.js';
import { parseCriterion, type Problem } from './parse-criterion.js';
import { parseSort } from './parse-sort.js';
import { checkIncludes, checkParameter } from './search-limits.js';
import { valueProblem } from './value-syntax.js';
import { DEFAULT_COUNT, MAX_COUNT, type SearchCriterion, type SearchRequest } from './search-request.js';

/** Result and format parameters handled outside the criteria. */
const CONTROL = new Set(['_count', '_total', '_summary', '_elements', '_format', '_pretty', '_cursor', '_include', '_revinclude', '_sort']);

export interface ParseOptions {
  /** `Prefer: handling=lenient`: ignore unknown parameters instead of refusing them. */
  lenient: boolean;
}

export function parseSearch(
  type: string,
  params: URLSearchParams,
  defs: Definitions,
  options: ParseOptions = { lenient: false },
): SearchRequest {
  const request: SearchRequest = {
    type,
    criteria: [],
    sort: parseSort(type, params.get('_sort'), defs),
    include: [],
    revinclude: [],
    count: DEFAULT_COUNT,
    ignored: [],
  };
  const seen = new Map<string, number>();
  let total = 0;
  for (const [rawName, rawValue] of params) {
    if (CONTROL.has(rawName.split(':')[0])) continue;
    seen.set(rawName, (seen.get(rawName) ?? 0) + 1);
    checkParameter(rawName, rawValue, seen.get(rawName)!, ++total);
    const parsed = parseCriterion(type, rawName, rawValue, defs);
    if ('problem' in parsed) {
      if (!options.lenient) throw criterionError(parsed, rawName);
      request.ignored.push(rawName);
      continue;
    }
    checkValues(parsed.criterion, rawName);
    request.criteria.push(parsed.criterion);
  }
  let includes = 0;
  for (const [name, value] of params) {
    const [base, modifier] = name.split(':');
    if (base !== '_include' && base !== '_revinclude') continue;
    checkIncludes(++includes, name);
    if (modifier !== undefined && modifier !== 'iterate' && modifier !== 'recurse') {
      throw invalidModifier(`${name}: the only modifier is :iterate`, name);
    }
    request[base === '_include' ? 'include' : 'revinclude'].push(parseInclude(value, modifier !== undefined, name, defs));
  }
  request.count = parseCount(params.get('_count'));
  request.total = parseTotal(params.get('_total'));
  request.cursor = params.get('_cursor') ?? undefined;
  return request;
}

/** Why a parameter cannot be searched, as the operation-outcome CodeSystem names it. */
function criterionError(p: Problem, rawName: string) {
  if (p.kind === 'modifier') return invalidModifier(p.problem, rawName);
  if (p.kind === 'chain') return unknownChain(p.problem, rawName);
  return unknownParameter(p.problem, rawName);
}

/** The terminal parameter of a criterion must have values, and :missing takes true or false. */
function checkValues(c: SearchCriterion, rawName: string): void {
  if (c.kind === 'chain') return c.targets.forEach((t) => checkValues(t.criterion, rawName));
  if (c.kind === 'has') return checkValues(c.criterion, rawName);
  if (c.values.some((v) => v === '')) throw invalidParameter(`Search parameter '${rawName}' has an empty value`, rawName);
  if (c.modifier === 'missing') {
    if (c.values.length !== 1 || !['true', 'false'].includes(c.values[0]))
      throw invalidParameter(`Search parameter '${rawName}' takes true or false`, rawName);
    return;
  }
  for (const value of c.values) {
    const problem = valueProblem(c.def, c.modifier, value);
    if (problem) throw invalidParameter(`Search parameter '${rawName}': ${problem}`, rawName);
  }
}

export function parseCount(value: string | null): number {
  if (value === null) return DEFAULT_COUNT;
  if (!/^\d+$/.test(value)) throw invalidParameter(`_count must be a non-negative integer, got '${value}'`, '_count');
  return Math.min(Number(value), MAX_COUNT);
}

function parseTotal(value: string | null): SearchRequest['total'] {
  if (value === null) return undefined;
  if (value === 'none' || value === 'estimate' || value === 'accurate') return value;
  throw invalidParameter(`_total must be none, estimate or accurate, got '${value}'`, '_total');
}
