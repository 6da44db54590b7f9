// Number and quantity search with prefixes and implicit precision. https://hl7.org/fhir/R4/search.html#number
import { invalidParameter } from '../core/outcomes.js';
import { joinSql, sql, type Sql } from '../store/sql.js';
import type { ParamTypeSql } from './param-sql.js';
import { splitPrefix } from './prefix.js';

const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/** An interval of values; a missing end is unbounded. */
export interface Interval {
  lo?: number;
  loOpen?: boolean;
  hi?: number;
  hiOpen?: boolean;
}

/** Why a search number (after its prefix) cannot be searched for: not a number, or beyond a double (1e309). */
export function numberProblem(value: string): string | undefined {
  const { rest } = splitPrefix(value);
  if (!NUMBER.test(rest)) return `'${value}' is not a number`;
  if (!Number.isFinite(Number(rest))) return `'${value}' is not a finite number (beyond ${Number.MAX_VALUE})`;
  return undefined;
}

/**
 * The values one prefixed number matches, as a union of intervals: `eq100` is [99.5, 100.5). A finite number's
 * bounds may still overflow (ap1.7e308, 0e400): an infinite bound is no bound (intervalsSql).
 */
export function numberIntervals(value: string, name: string): Interval[] {
  const problem = numberProblem(value);
  if (problem) throw invalidParameter(`Search parameter '${name}': ${problem}`, name);
  const { prefix, rest } = splitPrefix(value);
  const n = Number(rest);
  const decimals = /\.(\d+)/.exec(rest.split(/[eE]/)[0])?.[1].length ?? 0;
  const exponent = Number(/[eE]([+-]?\d+)/.exec(rest)?.[1] ?? 0);
  const half = 0.5 * 10 ** (exponent - decimals);
  switch (prefix) {
    case 'eq': return [{ lo: n - half, hi: n + half, hiOpen: true }];
    case 'ne': return [{ hi: n - half, hiOpen: true }, { lo: n + half }];
    case 'gt': case 'sa': return [{ lo: n, loOpen: true }];
    case 'lt': case 'eb': return [{ hi: n, hiOpen: true }];
    case 'ge': return [{ lo: n }];
    case 'le': return [{ hi: n }];
    case 'ap': return [{ lo: n - Math.abs(n) * 0.1, hi: n + Math.abs(n) * 0.1 }];
  }
}

/**
 * `column` in any of the intervals. Only finite bounds reach SQL: -Infinity below and +Infinity above bound
 * nothing, +Infinity below or -Infinity above leaves the interval empty (no double lies there).
 */
export function intervalsSql(column: Sql, intervals: readonly Interval[]): Sql {
  const one = (v: Interval) => {
    if (Number.isNaN(v.lo) || Number.isNaN(v.hi)) throw new Error('NaN bound in a number interval');
    if (v.lo === Infinity || v.hi === -Infinity) return sql`1=0`;
    const parts: Sql[] = [];
    if (v.lo !== undefined && v.lo !== -Infinity) parts.push(v.loOpen ? sql`${column} > ${v.lo}` : sql`${column} >= ${v.lo}`);
    if (v.hi !== undefined && v.hi !== Infinity) parts.push(v.hiOpen ? sql`${column} < ${v.hi}` : sql`${column} <= ${v.hi}`);
    if (parts.length === 0) return sql`${column} IS NOT NULL`;
    return parts.length === 1 ? parts[0] : sql`(${joinSql(parts, ' AND ')})`;
  };
  return intervals.length === 1 ? one(intervals[0]) : sql`(${joinSql(intervals.map(one), ' OR ')})`;
}

/** SQL over the column `column` for one prefixed number. */
export function numberCondition(value: string, name: string, column: Sql): Sql {
  return intervalsSql(column, numberIntervals(value, name));
}

export const numberSql: ParamTypeSql = {
  table: 'idx_number',
  modifiers: [],
  condition: (value, _modifier, def) => numberCondition(value, def.code, sql`i.value`),
};
