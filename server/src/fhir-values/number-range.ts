// A prefixed search number as the values it matches, with implicit precision: `100` is [99.5, 100.5), `gt8` is
// (8, ...). Quantity search reads its number the same way. https://hl7.org/fhir/R4/search.html#number
import { invalidParameter } from '../core/outcomes.js';
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
    case 'eq':
      return [{ lo: n - half, hi: n + half, hiOpen: true }];
    case 'ne':
      return [{ hi: n - half, hiOpen: true }, { lo: n + half }];
    case 'gt':
    case 'sa':
      return [{ lo: n, loOpen: true }];
    case 'lt':
    case 'eb':
      return [{ hi: n, hiOpen: true }];
    case 'ge':
      return [{ lo: n }];
    case 'le':
      return [{ hi: n }];
    case 'ap':
      return [{ lo: n - Math.abs(n) * 0.1, hi: n + Math.abs(n) * 0.1 }];
  }
}
