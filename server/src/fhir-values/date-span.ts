// Span classes of indexed date ranges: class k holds ranges no longer than SPAN_BOUNDS_MS[k]. A condition on the
// end of a range (`end >= x`) becomes, per class, a range on its start (`start >= x - bound`), which an index can
// seek to: exact, and as tight as the class bound rather than the longest range of the whole parameter. The bounds
// are the FHIR precisions (instant, second, minute, hour, day, month, year) and a few wider steps, so that a search
// pays one index range per class (few) and a value at a given precision is bounded by exactly its own length.
const DAY = 86_400_000;

/** Indexed ranges lie within 1000-01-01 .. 9999-12-31 (the DATETIME range); wider ones are clamped to it. */
export const INDEXED_MIN_MS = Date.UTC(1000, 0, 1);
export const INDEXED_MAX_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

/** `ms` clamped to the indexed range, which keeps an open-ended period open. */
export const clampToIndexed = (ms: number): number => Math.min(INDEXED_MAX_MS, Math.max(INDEXED_MIN_MS, ms));

export const SPAN_BOUNDS_MS: readonly number[] = [
  0,
  999,
  59_999,
  3_599_999,
  DAY - 1,
  7 * DAY - 1,
  31 * DAY - 1,
  366 * DAY - 1,
  3_660 * DAY,
  36_600 * DAY,
  // The whole indexed range (open periods are clamped to it).
  INDEXED_MAX_MS - INDEXED_MIN_MS,
];
export const MAX_SPAN_CLASS = SPAN_BOUNDS_MS.length - 1;

/** The first class whose bound holds `spanMs`. Migration 008 computes the same in SQL. */
export function spanClass(spanMs: number): number {
  const k = SPAN_BOUNDS_MS.findIndex((bound) => spanMs <= bound);
  return k < 0 ? MAX_SPAN_CLASS : k;
}

export const spanOfClass = (k: number): number => SPAN_BOUNDS_MS[k];
