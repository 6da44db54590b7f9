import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MAX_SPAN_CLASS, spanClass, spanOfClass } from './date-span.js';

const DAY = 86_400_000;

test('each FHIR precision has its own class, bounded by exactly its length', () => {
  const cases: [string, number, number][] = [
    ['instant', 0, 0],
    ['second', 999, 1],
    ['minute', 59_999, 2],
    ['hour', 3_599_999, 3],
    ['day', DAY - 1, 4],
    ['a 2-day period', 2 * DAY, 5],
    ['February', 29 * DAY - 1, 6],
    ['January', 31 * DAY - 1, 6],
    ['a leap year', 366 * DAY - 1, 7],
    ['a decade', 3_653 * DAY, 8],
    ['a century', 36_525 * DAY, 9],
    ['an open period', Date.UTC(9999, 11, 31, 23, 59, 59, 999) - Date.UTC(1000, 0, 1), MAX_SPAN_CLASS],
  ];
  for (const [what, ms, k] of cases) {
    assert.equal(spanClass(ms), k, what);
    assert.ok(ms <= spanOfClass(k) && (k === 0 || ms > spanOfClass(k - 1)), `${what} fits class ${k} and no smaller one`);
  }
});
