// Span classes of indexed date ranges: class k holds ranges no longer than 2^k ms. A condition on the end of a
// range (`end >= x`) becomes, per class, a range on its start (`start >= x - 2^k`), which an index can seek to:
// exact, and as tight as the longest range of each class rather than of the whole parameter.
/** 2^49 ms (17,800 years) covers every DATETIME range (years 1000 to 9999). */
export const MAX_SPAN_CLASS = 49;

/** The smallest k with `spanMs <= 2^k` (integer arithmetic: powers of two are exact in a double). */
export function spanClass(spanMs: number): number {
  let k = 0;
  while (k < MAX_SPAN_CLASS && 2 ** k < spanMs) k++;
  return k;
}

export const spanOfClass = (k: number): number => 2 ** k;
