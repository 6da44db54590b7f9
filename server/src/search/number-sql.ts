// Number and quantity search with prefixes and implicit precision. https://hl7.org/fhir/R4/search.html#number
import { badSearchParameter } from '../core/outcomes.js';
import { sql, type Sql } from '../store/sql.js';
import type { ParamTypeSql } from './param-sql.js';
import { splitPrefix } from './prefix.js';

const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/** SQL over the column `column` for one prefixed number: `eq100` matches [99.5, 100.5). */
export function numberCondition(value: string, name: string, column: Sql): Sql {
  const { prefix, rest } = splitPrefix(value);
  if (!NUMBER.test(rest)) throw badSearchParameter(`Search parameter '${name}': '${value}' is not a number`, name);
  const n = Number(rest);
  const decimals = /\.(\d+)/.exec(rest.split(/[eE]/)[0])?.[1].length ?? 0;
  const exponent = Number(/[eE]([+-]?\d+)/.exec(rest)?.[1] ?? 0);
  const half = 0.5 * 10 ** (exponent - decimals);
  switch (prefix) {
    case 'eq': return sql`(${column} >= ${n - half} AND ${column} < ${n + half})`;
    case 'ne': return sql`(${column} < ${n - half} OR ${column} >= ${n + half})`;
    case 'gt': case 'sa': return sql`${column} > ${n}`;
    case 'lt': case 'eb': return sql`${column} < ${n}`;
    case 'ge': return sql`${column} >= ${n}`;
    case 'le': return sql`${column} <= ${n}`;
    case 'ap': return sql`(${column} >= ${n - Math.abs(n) * 0.1} AND ${column} <= ${n + Math.abs(n) * 0.1})`;
  }
}

export const numberSql: ParamTypeSql = {
  table: 'idx_number',
  modifiers: [],
  condition: (value, _modifier, def) => numberCondition(value, def.code, sql`i.value`),
};
