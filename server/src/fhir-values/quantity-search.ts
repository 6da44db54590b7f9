// What a quantity search value `[prefix]number|system|code` asks for, decided once for every store: a UCUM unit
// that converts compares in canonical units (80000 g matches gt70|http://unitsofmeasure.org|kg), anything else
// compares the number with the stored value and the system and code (or, without a system, the code or the human
// unit) as given. MySQL's quantity-sql.ts and the in-memory matcher both read this plan.
// https://hl7.org/fhir/R4/search.html#quantity
import { numberIntervals, type Interval } from './number-range.js';
import { toCanonical, UCUM } from './ucum-canonical.js';

export interface QuantitySearch {
  /** The value's intervals in the stored unit, with the system and code it names. */
  plain: {
    intervals: Interval[];
    system?: string;
    code?: string;
    /** a code without a system may be the human unit */ codeOrUnit: boolean;
  };
  /** When the value is in a convertible UCUM unit: its intervals in canonical units, to compare with canonical values. */
  canonical?: { code: string; intervals: Interval[] };
}

// Converted values carry rounding noise (70000 mg is 70.00000000000001 g): bounds within this relative distance
// count as equal, so a closed bound takes them in and an open bound leaves them out.
const NOISE = 1e-12;

export function quantitySearch(value: string, name: string): QuantitySearch {
  const [number, system, code] = value.split('|');
  const intervals = numberIntervals(number, name);
  const plain = { intervals, ...(system ? { system } : {}), ...(code ? { code } : {}), codeOrUnit: !system };
  const canonical = system === UCUM && code ? canonicalIntervals(intervals, code) : undefined;
  return canonical ? { plain, canonical } : { plain };
}

/** The intervals converted to the canonical unit of `code`; undefined when `code` is not UCUM. */
function canonicalIntervals(source: readonly Interval[], code: string): { code: string; intervals: Interval[] } | undefined {
  const unit = toCanonical(1, code)?.code;
  if (!unit) return undefined;
  // A decreasing conversion ([pH]) turns the interval around.
  const decreasing = toCanonical(2, code)!.value < toCanonical(1, code)!.value;
  // `code` converts, so a finite value without a canonical form overflowed it: it lies beyond every double.
  const beyond = (x: number) => Math.sign(x) * (decreasing ? -Infinity : Infinity);
  const convert = (x: number | undefined) =>
    x === undefined ? undefined : Number.isFinite(x) ? (toCanonical(x, code)?.value ?? beyond(x)) : beyond(x);
  const intervals: Interval[] = [];
  for (const v of source) {
    let lo = convert(v.lo);
    let hi = convert(v.hi);
    let { loOpen, hiOpen } = v;
    if (decreasing) [lo, hi, loOpen, hiOpen] = [hi, lo, hiOpen, loOpen];
    const widen = (x: number | undefined, open: boolean | undefined, up: boolean) =>
      x === undefined || !Number.isFinite(x) ? x : x + (Boolean(open) === up ? -1 : 1) * Math.abs(x) * NOISE;
    intervals.push({ lo: widen(lo, loOpen, false), loOpen, hi: widen(hi, hiOpen, true), hiOpen });
  }
  return { code: unit, intervals };
}

/** Whether `x` lies in any of the intervals, as intervalsSql's condition decides it for a DOUBLE column. */
export function inIntervals(x: number, intervals: readonly Interval[]): boolean {
  return intervals.some((v) => {
    if (v.lo === Infinity || v.hi === -Infinity) return false;
    if (v.lo !== undefined && v.lo !== -Infinity && (v.loOpen ? !(x > v.lo) : !(x >= v.lo))) return false;
    if (v.hi !== undefined && v.hi !== Infinity && (v.hiOpen ? !(x < v.hi) : !(x <= v.hi))) return false;
    return true;
  });
}
