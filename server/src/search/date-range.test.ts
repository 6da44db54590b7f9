import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseDateRange } from './date-range.js';

test('a date covers its whole precision', () => {
  assert.deepEqual(parseDateRange('2024'), { start: Date.UTC(2024, 0, 1), end: Date.UTC(2025, 0, 1) - 1 });
  assert.deepEqual(parseDateRange('2024-02'), { start: Date.UTC(2024, 1, 1), end: Date.UTC(2024, 2, 1) - 1 });
  assert.deepEqual(parseDateRange('2024-02-29'), { start: Date.UTC(2024, 1, 29), end: Date.UTC(2024, 2, 1) - 1 });
  assert.deepEqual(parseDateRange('2024-02-29T10:15Z'), { start: Date.UTC(2024, 1, 29, 10, 15), end: Date.UTC(2024, 1, 29, 10, 16) - 1 });
  assert.deepEqual(parseDateRange('2024-02-29T10:15:30.5Z'), { start: Date.UTC(2024, 1, 29, 10, 15, 30, 500), end: Date.UTC(2024, 1, 29, 10, 15, 30, 500) });
});

test('offsets move the instant to UTC', () => {
  assert.equal(parseDateRange('2024-06-01T08:00:00+02:00')!.start, Date.UTC(2024, 5, 1, 6));
  assert.equal(parseDateRange('2024-06-01T08:00:00-05:30')!.start, Date.UTC(2024, 5, 1, 13, 30));
});

test('malformed dates are refused', () => {
  for (const bad of ['', '24', '2024-13', '2024-00-10', '2024-01-32', 'yesterday', '2024-01-01T25']) assert.equal(parseDateRange(bad), undefined, bad);
});
