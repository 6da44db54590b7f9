// Query string -> SearchRequest, refusing what we do not understand. https://hl7.org/fhir/R4/search.html
import { badSearchParameter } from '../core/outcomes.js';
import type { Definitions } from '../definitions/r4-definitions.js';
import { PARAM_TYPE_SQL } from './param-types.js';
import { DEFAULT_COUNT, MAX_COUNT, type SearchCriterion, type SearchRequest } from './search-request.js';

/** Result and format parameters handled outside the criteria. */
const CONTROL = new Set(['_count', '_total', '_summary', '_elements', '_format', '_pretty', '_cursor']);
const MISSING = 'missing';

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
  const known = defs.searchParams(type);
  const request: SearchRequest = { type, criteria: [], count: DEFAULT_COUNT, total: 'none', ignored: [] };
  for (const [rawName, rawValue] of params) {
    if (CONTROL.has(rawName)) continue;
    const [code, modifier] = splitModifier(rawName);
    const def = known.get(code);
    const typeSql = def ? PARAM_TYPE_SQL[def.type] : undefined;
    const problem = !def
      ? `Unknown search parameter '${rawName}' for ${type}`
      : !typeSql
        ? `Search parameter '${code}' of type ${def.type} is not supported yet`
        : modifier && modifier !== MISSING && !typeSql.modifiers.includes(modifier) && !(def.type === 'reference' && defs.isResourceType(modifier))
          ? `Modifier ':${modifier}' is not supported on search parameter '${code}' (${def.type})`
          : undefined;
    if (problem) {
      if (!options.lenient) throw badSearchParameter(problem, rawName);
      request.ignored.push(rawName);
      continue;
    }
    if (rawValue === '') throw badSearchParameter(`Search parameter '${rawName}' has an empty value`, rawName);
    if (modifier === MISSING && rawValue !== 'true' && rawValue !== 'false') {
      throw badSearchParameter(`Search parameter '${rawName}' takes true or false`, rawName);
    }
    const criterion: SearchCriterion = { name: rawName, def: def!, modifier, values: splitValues(rawValue) };
    request.criteria.push(criterion);
  }
  request.count = parseCount(params.get('_count'));
  request.total = parseTotal(params.get('_total'));
  request.cursor = params.get('_cursor') ?? undefined;
  return request;
}

function splitModifier(name: string): [string, string | undefined] {
  const colon = name.indexOf(':');
  return colon < 0 ? [name, undefined] : [name.slice(0, colon), name.slice(colon + 1)];
}

/** Commas separate alternatives; `\,` is a literal comma. */
function splitValues(value: string): string[] {
  return value.split(/(?<!\\),/).map((v) => v.replace(/\\,/g, ','));
}

export function parseCount(value: string | null): number {
  if (value === null) return DEFAULT_COUNT;
  if (!/^\d+$/.test(value)) throw badSearchParameter(`_count must be a non-negative integer, got '${value}'`, '_count');
  return Math.min(Number(value), MAX_COUNT);
}

function parseTotal(value: string | null): SearchRequest['total'] {
  if (value === null) return 'none';
  if (value === 'none' || value === 'estimate' || value === 'accurate') return value;
  throw badSearchParameter(`_total must be none, estimate or accurate, got '${value}'`, '_total');
}
