import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MAX_SPAN_CLASS, spanClass, spanOfClass } from './date-span.js';

test('a span class bounds the span from above, and is the smallest that does', () => {
  const cases: [number, number][] = [[0, 0], [1, 0], [2, 1], [3, 2], [999, 10], [1024, 10], [1025, 11], [86_399_999, 27], [283_000_000_000_000, 49]];
  for (const [ms, k] of cases) {
    assert.equal(spanClass(ms), k, `${ms} ms`);
    assert.ok(ms <= spanOfClass(k) && (k === 0 || ms > spanOfClass(k - 1)), `${ms} ms in class ${k}`);
  }
  // The widest DATETIME range (1000-01-01 to 9999-12-31) still fits the last class.
  assert.equal(spanClass(Date.UTC(9999, 11, 31, 23, 59, 59, 999) - Date.UTC(1000, 0, 1)), MAX_SPAN_CLASS);
});
