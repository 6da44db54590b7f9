// One search value against the index rows of one parameter, with the meaning the SQL of search/ gives it (token-sql,
// reference-sql, date-sql, string-sql, uri-sql): the in-memory repository's answer must be MySQL's answer.
// https://hl7.org/fhir/R4/search.html#ptypes
import { invalidParameter, notSupported } from '../../core/outcomes.js';
import { isValidId } from '../../core/ids.js';
import type { SearchParamDef } from '../../definitions/r4-definitions.js';
import type { DateRow, IndexRows, NumberRow, QuantityRow, ReferenceRow, StringRow, TokenRow, UriRow } from '../../indexing/index-rows.js';
import { numberIntervals } from '../../fhir-values/number-range.js';
import { inIntervals, quantitySearch } from '../../fhir-values/quantity-search.js';
import { canonicalOf } from '../../fhir-values/ucum-canonical.js';
import { dateRangeProblem, parseDateRange } from '../../fhir-values/date-range.js';
import { splitPrefix } from '../../fhir-values/prefix.js';
import { normalizeString } from '../../fhir-values/normalize-string.js';
import { FULL_TEXT_PARAMS, textWords } from '../../fhir-values/text-words.js';
import type { CodeSet } from '../../fhir-values/code-set.js';

const DAY = 86_400_000;

/** The parameter types the memory repository searches; any other is refused (never answered wrongly). */
export const MEMORY_PARAM_TYPES: readonly string[] = ['token', 'reference', 'date', 'string', 'uri', 'number', 'quantity'];

export const refuse = (what: string) =>
  notSupported(`The in-memory repository (store/memory, for tests) cannot answer ${what}; MysqlRepository can`);

/** A row predicate for one value of a criterion on `def` (modifier as parsed; :missing and :not are the caller's). */
export function valueMatcher(
  def: SearchParamDef,
  modifier: string | undefined,
  value: string,
  ctx: { baseUrl: string; now: number },
): (row: never) => boolean {
  if (FULL_TEXT_PARAMS.has(def.code) || modifier === 'text') throw refuse(`full-text search ('${def.code}') but on token parameters`);
  switch (def.type) {
    case 'token':
      return tokenMatcher(value, modifier);
    case 'reference':
      return referenceMatcher(value, modifier, def, ctx.baseUrl);
    case 'date':
      return dateMatcher(value, def.code, ctx.now);
    case 'string':
      return stringMatcher(value, modifier);
    case 'uri':
      return uriMatcher(value, modifier);
    case 'number': {
      const intervals = numberIntervals(value, def.code);
      return (r: NumberRow) => inIntervals(r.value, intervals);
    }
    case 'quantity':
      return quantityMatcher(value, def.code);
    default:
      throw refuse(`${def.type} search parameters ('${def.code}')`);
  }
}

/** The index rows a criterion reads: a parameter's own, or the token rows kept as `param:identifier` / `param:of-type`. */
export function rowsOf(rows: IndexRows, def: SearchParamDef, modifier: string | undefined): readonly { param: string }[] {
  if (modifier === 'identifier' || modifier === 'of-type') return rows.token.filter((r) => r.param === `${def.code}:${modifier}`);
  const table = rows[def.type as keyof IndexRows] as readonly { param: string }[] | undefined;
  if (!table) throw refuse(`${def.type} search parameters ('${def.code}')`);
  return table.filter((r) => r.param === def.code);
}

/**
 * :text on a token parameter, as text-sql.ts: every word of the value starts a word of the parameter's displays and
 * texts, pooled over all its rows (two codings' displays together), as idx_text holds them.
 */
export function tokenTextMatcher(value: string): (rows: readonly TokenRow[]) => boolean {
  const wanted = textWords(value);
  return (rows) => {
    const words = rows.flatMap((r) => (r.display === null ? [] : textWords(r.display)));
    return wanted.every((w) => words.some((d) => d.startsWith(w)));
  };
}

/** `code`, `system|code`, `|code` (no system), `system|`; :of-type's `typeSystem|typeCode|value`. */
export function tokenMatcher(value: string, modifier?: string): (row: TokenRow) => boolean {
  if (modifier === 'of-type') {
    const [system, code, id, ...rest] = value.split('|');
    if (rest.length > 0 || !code || !id) throw invalidParameter(`of-type takes typeSystem|typeCode|value, got '${value}'`, 'of-type');
    return (r) => r.code === `${code}|${id}` && (!system || r.system === system);
  }
  const bar = value.indexOf('|');
  if (bar < 0) return (r) => r.code === value;
  const s = value.slice(0, bar);
  const c = value.slice(bar + 1);
  if (s === '') return (r) => r.system === null && r.code === c;
  if (c === '') return (r) => r.system === s;
  return (r) => r.code === c && r.system === s;
}

/** Token rows whose coding is in one of the resolved code sets (:in, :not-in, :above, :below). */
export function codeSetMatcher(sets: readonly CodeSet[]): (row: TokenRow) => boolean {
  return (r) =>
    r.system !== null &&
    sets.some((set) => {
      const s = set.get(r.system!);
      if (!s) return false;
      // As SQL's `code NOT IN (excluded)`: a row without a code is outside any exclusion list.
      if (s.all) return s.excluded.size === 0 || (r.code !== null && !s.excluded.has(r.code));
      return r.code !== null && s.codes.has(r.code);
    });
}

/** `id`, `Type/id`, an absolute URL (ours read as local), `:Type`. */
export function referenceMatcher(
  value: string,
  modifier: string | undefined,
  def: SearchParamDef,
  baseUrl: string,
): (row: ReferenceRow) => boolean {
  const local = value.startsWith(`${baseUrl}/`) ? value.slice(baseUrl.length + 1) : value;
  if (/^[a-z][a-z0-9+.-]*:/i.test(local)) {
    const url = local.split('|')[0];
    return (r) => r.url === url;
  }
  const parts = local.split('/');
  const [type, id] = parts.length >= 2 ? [parts[0], parts[1]] : [modifier, parts[0]];
  if (!id || !isValidId(id)) throw invalidParameter(`Search parameter '${def.code}': '${value}' is not a valid reference`, def.code);
  if (type && modifier && modifier !== type)
    throw invalidParameter(`Search parameter '${def.code}:${modifier}' cannot match a ${type} reference`, def.code);
  return type ? (r) => r.targetId === id && r.targetType === type : (r) => r.targetId === id;
}

/** Every prefix over the closed [start, end] range a row covers (date-sql.ts's meaning). */
export function dateMatcher(value: string, name: string, now: number): (row: Pick<DateRow, 'start' | 'end'>) => boolean {
  const { prefix, rest } = splitPrefix(value);
  const range = parseDateRange(rest);
  if (!range) throw invalidParameter(`Search parameter '${name}': ${dateRangeProblem(rest)}`, name);
  const lo = range.start;
  const hi = range.end;
  switch (prefix) {
    case 'eq':
      return (r) => r.start >= lo && r.end <= hi;
    case 'ne':
      return (r) => r.start < lo || r.end > hi;
    case 'gt':
      return (r) => r.end > hi;
    case 'lt':
      return (r) => r.start < lo;
    case 'ge':
      return (r) => r.end >= lo;
    case 'le':
      return (r) => r.start <= hi;
    case 'sa':
      return (r) => r.start > hi;
    case 'eb':
      return (r) => r.end < lo;
    case 'ap': {
      const margin = Math.max(DAY, Math.abs(now - lo) * 0.1);
      return (r) => r.end >= lo - margin && r.start <= hi + margin;
    }
  }
}

/** quantity-sql.ts's meaning: in canonical units when the value's UCUM unit converts, else number, system and code (or unit). */
export function quantityMatcher(value: string, name: string): (row: QuantityRow) => boolean {
  const { plain, canonical } = quantitySearch(value, name);
  if (canonical) {
    return (r) => {
      const c = canonicalOf(r.system, r.code, r.value);
      return c !== undefined && c.code === canonical.code && inIntervals(c.value, canonical.intervals);
    };
  }
  return (r) =>
    inIntervals(r.value, plain.intervals) &&
    (!plain.system || r.system === plain.system) &&
    (!plain.code || r.code === plain.code || (plain.codeOrUnit && r.unit === plain.code));
}

/** Starts with, ignoring case and accents; :contains anywhere; :exact as stored. */
export function stringMatcher(value: string, modifier?: string): (row: StringRow) => boolean {
  if (modifier === 'exact') return (r) => r.exact === value;
  const needle = normalizeString(value);
  if (modifier === 'contains') return (r) => r.normalized.includes(needle);
  return (r) => r.normalized.startsWith(needle);
}

/** Exact (a canonical's |version dropped), :below a prefix of the stored URI, :above the stored URI a prefix of it. */
export function uriMatcher(value: string, modifier?: string): (row: UriRow) => boolean {
  const uri = value.split('|')[0];
  if (modifier === 'below') return (r) => r.uri.startsWith(uri);
  if (modifier === 'above') return (r) => uri.startsWith(r.uri);
  return (r) => r.uri === uri;
}
