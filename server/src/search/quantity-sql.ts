// Quantity search: [prefix]number|system|code, code matching the unit when no system. https://hl7.org/fhir/R4/search.html#quantity
import { sql, type Sql } from '../store/sql.js';
import { numberCondition } from './number-sql.js';
import type { ParamTypeSql } from './param-sql.js';

export interface QuantityColumns {
  value: Sql;
  system: Sql;
  code: Sql;
  /** The human unit, which a code given without a system may also match. */
  unit?: Sql;
}

/** `[prefix]number|system|code` over the given columns. */
export function quantityCondition(value: string, name: string, cols: QuantityColumns): Sql {
  const [number, system, code] = value.split('|');
  const conditions = [numberCondition(number, name, cols.value)];
  if (system) conditions.push(sql`${cols.system} = ${system}`);
  if (code) conditions.push(system || !cols.unit ? sql`${cols.code} = ${code}` : sql`(${cols.code} = ${code} OR ${cols.unit} = ${code})`);
  return sql`(${conditions.reduce((a, b) => sql`${a} AND ${b}`)})`;
}

export const quantitySql: ParamTypeSql = {
  table: 'idx_quantity',
  modifiers: [],
  condition: (value, _modifier, def) =>
    quantityCondition(value, def.code, { value: sql`i.value`, system: sql`i.system`, code: sql`i.code`, unit: sql`i.unit` }),
};
