// Quantity search: [prefix]number|system|code, code matching the unit when no system; a UCUM unit compares in
// canonical units, so 80000 g matches gt70|http://unitsofmeasure.org|kg. https://hl7.org/fhir/R4/search.html#quantity
import { toCanonical, UCUM } from '../../../fhir-values/ucum-canonical.js';
import { sql, type Sql } from '../../sql.js';
import { numberIntervals, type Interval } from '../../../fhir-values/number-range.js';
import { intervalsSql, numberCondition } from './number-sql.js';
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

/** `[prefix]number|system|code` over the given columns. */
export function quantityCondition(value: string, name: string, cols: QuantityColumns): Sql {
  const [number, system, code] = value.split('|');
  if (cols.canonical && system === UCUM && code) {
    const canonical = canonicalCondition(number, name, code, cols.canonical);
    if (canonical) return canonical;
  }
  const conditions = [numberCondition(number, name, cols.value)];
  if (system) conditions.push(sql`${cols.system} = ${system}`);
  if (code) conditions.push(system || !cols.unit ? sql`${cols.code} = ${code}` : sql`(${cols.code} = ${code} OR ${cols.unit} = ${code})`);
  return sql`(${conditions.reduce((a, b) => sql`${a} AND ${b}`)})`;
}

// Converted values carry rounding noise (70000 mg is 70.00000000000001 g): bounds within this relative distance
// count as equal, so a closed bound takes them in and an open bound leaves them out.
const NOISE = 1e-12;

/** The search value's intervals converted to the canonical unit of `code`; undefined when `code` is not UCUM. */
function canonicalCondition(number: string, name: string, code: string, cols: { value: Sql; code: Sql }): Sql | undefined {
  const unit = toCanonical(1, code)?.code;
  if (!unit) return undefined;
  // A decreasing conversion ([pH]) turns the interval around.
  const decreasing = toCanonical(2, code)!.value < toCanonical(1, code)!.value;
  // `code` converts, so a finite value without a canonical form overflowed it: it lies beyond every double.
  const beyond = (x: number) => Math.sign(x) * (decreasing ? -Infinity : Infinity);
  const convert = (x: number | undefined) =>
    x === undefined ? undefined : Number.isFinite(x) ? (toCanonical(x, code)?.value ?? beyond(x)) : beyond(x);
  const intervals: Interval[] = [];
  for (const v of numberIntervals(number, name)) {
    let lo = convert(v.lo);
    let hi = convert(v.hi);
    let { loOpen, hiOpen } = v;
    if (decreasing) [lo, hi, loOpen, hiOpen] = [hi, lo, hiOpen, loOpen];
    const widen = (x: number | undefined, open: boolean | undefined, up: boolean) =>
      x === undefined || !Number.isFinite(x) ? x : x + (Boolean(open) === up ? -1 : 1) * Math.abs(x) * NOISE;
    intervals.push({ lo: widen(lo, loOpen, false), loOpen, hi: widen(hi, hiOpen, true), hiOpen });
  }
  return sql`(${cols.code} = ${unit} AND ${intervalsSql(cols.value, intervals)})`;
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
