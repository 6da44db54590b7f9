// Quantity search: [prefix]number|system|code, code matching the unit when no system; a UCUM unit compares in
// canonical units, so 80000 g matches gt70|http://unitsofmeasure.org|kg. https://hl7.org/fhir/R4/search.html#quantity
import { sql, type Sql } from '../../sql.js';
import { quantitySearch } from '../../../fhir-values/quantity-search.js';
import { intervalsSql } from './number-sql.js';
import type { ParamTypeSql } from './param-sql.js';

export interface QuantityColumns {
  value: Sql;
  system: Sql;
  code: Sql;
  /** The human unit, which a code given without a system may also match. */
  unit?: Sql;
  /** Canonical UCUM value and unit (idx_quantity); without them UCUM units compare as plain codes. */
  canonical?: { value: Sql; code: Sql };
}

/** `[prefix]number|system|code` over the given columns (the plan: fhir-values/quantity-search.ts). */
export function quantityCondition(value: string, name: string, cols: QuantityColumns): Sql {
  const { plain, canonical } = quantitySearch(value, name);
  if (cols.canonical && canonical) {
    return sql`(${cols.canonical.code} = ${canonical.code} AND ${intervalsSql(cols.canonical.value, canonical.intervals)})`;
  }
  const conditions = [intervalsSql(cols.value, plain.intervals)];
  if (plain.system) conditions.push(sql`${cols.system} = ${plain.system}`);
  if (plain.code) {
    conditions.push(
      plain.codeOrUnit && cols.unit
        ? sql`(${cols.code} = ${plain.code} OR ${cols.unit} = ${plain.code})`
        : sql`${cols.code} = ${plain.code}`,
    );
  }
  return sql`(${conditions.reduce((a, b) => sql`${a} AND ${b}`)})`;
}

export const quantitySql: ParamTypeSql = {
  table: 'idx_quantity',
  condition: (value, _modifier, def) =>
    quantityCondition(value, def.code, {
      value: sql`i.value`,
      system: sql`i.system`,
      code: sql`i.code`,
      unit: sql`i.unit`,
      canonical: { value: sql`i.canonical_value`, code: sql`i.canonical_code` },
    }),
};
