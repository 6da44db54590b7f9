import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ranges } from './fitbit-sync.js';

test('date ranges: at most maxDays each, covering from..to exactly, none when from is after to', () => {
  assert.deepEqual(ranges('2026-11-01', '2026-11-03', 30), [['2026-11-01', '2026-11-03']]);
  assert.deepEqual(ranges('2026-01-01', '2026-03-05', 30), [
    ['2026-01-01', '2026-01-30'],
    ['2026-01-31', '2026-03-01'],
    ['2026-03-02', '2026-03-05'],
  ]);
  assert.deepEqual(ranges('2026-11-04', '2026-11-03', 30), []);
  assert.deepEqual(ranges('2026-03-28', '2026-03-30', 1), [
    ['2026-03-28', '2026-03-28'],
    ['2026-03-29', '2026-03-29'],
    ['2026-03-30', '2026-03-30'],
  ]);
});
