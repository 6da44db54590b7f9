// Number and quantity search with prefixes and implicit precision. https://hl7.org/fhir/R4/search.html#number
import { joinSql, sql, type Sql } from '../../sql.js';
import { numberIntervals, type Interval } from '../../../fhir-values/number-range.js';
import type { ParamTypeSql } from './param-sql.js';

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
  condition: (value, _modifier, def) => numberCondition(value, def.code, sql`i.value`),
};
