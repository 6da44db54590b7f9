// Quantity search: [prefix]number|system|code, code matching the unit when no system. https://hl7.org/fhir/R4/search.html#quantity
import { sql } from '../store/sql.js';
import { numberCondition } from './number-sql.js';
import type { ParamTypeSql } from './param-sql.js';

export const quantitySql: ParamTypeSql = {
  table: 'idx_quantity',
  modifiers: [],
  condition(value, _modifier, def) {
    const [number, system, code] = value.split('|');
    const conditions = [numberCondition(number, def.code, sql`i.value`)];
    if (system) conditions.push(sql`i.system = ${system}`);
    if (code) conditions.push(system ? sql`i.code = ${code}` : sql`(i.code = ${code} OR i.unit = ${code})`);
    return sql`(${conditions.reduce((a, b) => sql`${a} AND ${b}`)})`;
  },
};
