// UCUM quantities in canonical form (base units, e.g. 80 kg -> 80000 g), so that quantity search compares
// values in convertible units. https://hl7.org/fhir/R4/search.html#quantity and https://ucum.org/ucum
import { createRequire } from 'node:module';

export const UCUM = 'http://unitsofmeasure.org';

interface BaseUnits {
  status: string;
  magnitude?: number;
  unitToExp?: Record<string, number>;
  fromUnitIsSpecial?: boolean;
}
interface UcumUtils {
  convertToBaseUnits(unit: string, value: number): BaseUnits;
}

// ucum-lhc ships CommonJS without types.
const ucum = (
  createRequire(import.meta.url)('@lhncbc/ucum-lhc') as { UcumLhcUtils: { getInstance(): UcumUtils } }
).UcumLhcUtils.getInstance();

/** A unit code's canonical unit, and the factor to it for ratio units (none for Cel, [degF], [pH]...). */
interface UnitInfo {
  canonical: string;
  factor?: number;
}

export interface CanonicalQuantity {
  value: number;
  code: string;
}

// Parsing a unit costs a tenth of a millisecond; a store sees few distinct units, so each is parsed once.
const MAX_CACHED = 10_000;
const cache = new Map<string, UnitInfo | null>();

function unitInfo(code: string): UnitInfo | null {
  let info = cache.get(code);
  if (info !== undefined) return info;
  const base = safeConvert(code, 1);
  info =
    base && base.magnitude !== undefined && base.unitToExp
      ? { canonical: canonicalUnit(base.unitToExp), factor: base.fromUnitIsSpecial ? undefined : base.magnitude }
      : null;
  if (cache.size < MAX_CACHED) cache.set(code, info);
  return info;
}

function safeConvert(code: string, value: number): BaseUnits | undefined {
  try {
    const r = ucum.convertToBaseUnits(code, value);
    return r.status === 'succeeded' ? r : undefined;
  } catch {
    return undefined;
  }
}

/** Base units in a fixed order with their exponents, `1` for dimensionless (`{score}`, `%`). */
function canonicalUnit(unitToExp: Record<string, number>): string {
  const parts = Object.entries(unitToExp)
    .filter(([, e]) => e !== 0)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return parts.length === 0 ? '1' : parts.map(([u, e]) => (e === 1 ? u : `${u}${e}`)).join('.');
}

/** The factor from `code` to its canonical unit when it is a ratio unit (not Cel, [degF], [pH]...). */
export function ratioFactor(code: string): number | undefined {
  return unitInfo(code)?.factor;
}

/** `value code` in UCUM base units, or undefined when `code` is not a valid UCUM unit. */
export function toCanonical(value: number, code: string): CanonicalQuantity | undefined {
  const info = unitInfo(code);
  if (!info) return undefined;
  const converted = info.factor !== undefined ? value * info.factor : safeConvert(code, value)?.magnitude;
  // A value beyond a double after conversion has no canonical form (DOUBLE columns hold finite numbers only).
  return converted === undefined || !Number.isFinite(converted) ? undefined : { value: converted, code: info.canonical };
}

/** The canonical form of a stored quantity: only UCUM-coded quantities have one. */
export function canonicalOf(system: string | null, code: string | null, value: number): CanonicalQuantity | undefined {
  return system === UCUM && code !== null ? toCanonical(value, code) : undefined;
}
