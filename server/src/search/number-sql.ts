// Number and quantity search with prefixes and implicit precision. https://hl7.org/fhir/R4/search.html#number
import { badSearchParameter } from '../core/outcomes.js';
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

/** The values one prefixed number matches, as a union of intervals: `eq100` is [99.5, 100.5). */
export function numberIntervals(value: string, name: string): Interval[] {
  const { prefix, rest } = splitPrefix(value);
  if (!NUMBER.test(rest)) throw badSearchParameter(`Search parameter '${name}': '${value}' is not a number`, name);
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

/** `column` in any of the intervals. */
export function intervalsSql(column: Sql, intervals: readonly Interval[]): Sql {
  const one = (v: Interval) => {
    const parts: Sql[] = [];
    if (v.lo !== undefined) parts.push(v.loOpen ? sql`${column} > ${v.lo}` : sql`${column} >= ${v.lo}`);
    if (v.hi !== undefined) parts.push(v.hiOpen ? sql`${column} < ${v.hi}` : sql`${column} <= ${v.hi}`);
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
