// Date search with all prefixes over indexed [start, end] ranges. https://hl7.org/fhir/R4/search.html#date
import { invalidParameter } from '../../../core/outcomes.js';
import { joinSql, sql, type Sql } from '../../sql.js';
import { dateRangeProblem, parseDateRange } from '../../../fhir-values/date-range.js';
import { INDEXED_MIN_MS, MAX_SPAN_CLASS, spanOfClass } from '../../../fhir-values/date-span.js';
import type { ParamTypeSql } from './param-sql.js';
import { splitPrefix } from '../../../fhir-values/prefix.js';

const DAY = 86_400_000;

/** SQL over columns `start`/`end` (already inlined identifiers) for one prefixed date value. */
export function dateCondition(value: string, name: string, start: Sql, end: Sql, now: number): Sql {
  return dateBounds(value, name, now).exact(start, end);
}

interface DateBounds {
  /** The prefix's meaning over [start, end]. */
  exact(start: Sql, end: Sql): Sql;
  /** Bounds a matching row's start must lie in when its range is at most `span` ms long (undefined: none). */
  startWithin(span: number): { lo?: Date; hi?: Date; loOpen?: boolean; hiOpen?: boolean } | undefined;
}

function dateBounds(value: string, name: string, now: number): DateBounds {
  const { prefix, rest } = splitPrefix(value);
  const range = parseDateRange(rest);
  if (!range) throw invalidParameter(`Search parameter '${name}': ${dateRangeProblem(rest)}`, name);
  const lo = new Date(range.start);
  const hi = new Date(range.end);
  // Below the earliest indexed start (indexed ranges are clamped: fhir-values/date-span.ts) there is nothing to bound.
  const at = (ms: number) => (ms < INDEXED_MIN_MS ? undefined : new Date(ms));
  switch (prefix) {
    case 'eq':
      return { exact: (s, e) => sql`(${s} >= ${lo} AND ${e} <= ${hi})`, startWithin: () => ({ lo, hi }) };
    case 'ne':
      return { exact: (s, e) => sql`(${s} < ${lo} OR ${e} > ${hi})`, startWithin: () => undefined };
    // start >= end - span, so end > hi gives start > hi - span
    case 'gt':
      return { exact: (_s, e) => sql`${e} > ${hi}`, startWithin: (span) => ({ lo: at(range.end - span), loOpen: true }) };
    case 'lt':
      return { exact: (s) => sql`${s} < ${lo}`, startWithin: () => ({ hi: lo, hiOpen: true }) };
    case 'ge':
      return { exact: (_s, e) => sql`${e} >= ${lo}`, startWithin: (span) => ({ lo: at(range.start - span) }) };
    case 'le':
      return { exact: (s) => sql`${s} <= ${hi}`, startWithin: () => ({ hi }) };
    case 'sa':
      return { exact: (s) => sql`${s} > ${hi}`, startWithin: () => ({ lo: hi, loOpen: true }) };
    // start <= end < lo
    case 'eb':
      return { exact: (_s, e) => sql`${e} < ${lo}`, startWithin: () => ({ hi: lo, hiOpen: true }) };
    case 'ap': {
      // "Approximately": within 10% of the distance from now, at least a day, as HAPI does.
      const margin = Math.max(DAY, Math.abs(now - range.start) * 0.1);
      const from = range.start - margin;
      const to = new Date(range.end + margin);
      return {
        exact: (s, e) => sql`(${e} >= ${new Date(from)} AND ${s} <= ${to})`,
        startWithin: (span) => ({ lo: at(from - span), hi: to }),
      };
    }
  }
}

type StartBounds = NonNullable<ReturnType<DateBounds['startWithin']>>;

/**
 * The conditions of all `values` on one idx_date row (ANDed), plus a seekable range on start_at per span class
 * (see date-span.ts), so that the (span_class, start_at) index answers even prefixes on the end of a range.
 * One value is one criterion; several are `date=ge..&date=le..` on a parameter with one date per resource.
 */
export function indexedDateCondition(values: readonly string[], name: string, now: number): Sql {
  const bounds = values.map((v) => dateBounds(v, name, now));
  const exact = exactOf(bounds);
  const bounded = bounds.filter((b) => b.startWithin(0) !== undefined);
  if (bounded.length === 0) return exact;
  const branches: Sql[] = [];
  for (let k = 0; k <= MAX_SPAN_CLASS; k++) {
    const b = bounded.map((x) => x.startWithin(spanOfClass(k))!).reduce(intersect);
    const parts = [sql`i.span_class = ${k}`];
    if (b.lo) parts.push(b.loOpen ? sql`i.start_at > ${b.lo}` : sql`i.start_at >= ${b.lo}`);
    if (b.hi) parts.push(b.hiOpen ? sql`i.start_at < ${b.hi}` : sql`i.start_at <= ${b.hi}`);
    branches.push(sql`(${joinSql(parts, ' AND ')})`);
  }
  return sql`(${exact} AND (${joinSql(branches, ' OR ')}))`;
}

/** The conditions of all `values` on one idx_date row `i` (ANDed), on start_at and end_at only. */
export function exactDateCondition(values: readonly string[], name: string, now: number): Sql {
  return exactOf(values.map((v) => dateBounds(v, name, now)));
}

const exactOf = (bounds: readonly DateBounds[]): Sql =>
  joinSql(
    bounds.map((b) => b.exact(sql`i.start_at`, sql`i.end_at`)),
    ' AND ',
  );

/** The tighter of two start bounds at each end. */
function intersect(a: StartBounds, b: StartBounds): StartBounds {
  const out: StartBounds = { ...a };
  if (b.lo && (!a.lo || b.lo > a.lo || (b.lo.getTime() === a.lo.getTime() && b.loOpen))) Object.assign(out, { lo: b.lo, loOpen: b.loOpen });
  if (b.hi && (!a.hi || b.hi < a.hi || (b.hi.getTime() === a.hi.getTime() && b.hiOpen))) Object.assign(out, { hi: b.hi, hiOpen: b.hiOpen });
  return out;
}

export const dateSql: ParamTypeSql = {
  table: 'idx_date',
  condition: (value, _modifier, def, ctx) => indexedDateCondition([value], def.code, ctx.now),
};
