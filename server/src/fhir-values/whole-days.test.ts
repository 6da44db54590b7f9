// The whole UTC days inside a period, which $stats reads from the daily rollup.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { wholeDaysOf } from './whole-days.js';

const at = (iso: string) => Date.parse(iso);

test('days wholly inside [start, end], end inclusive to the millisecond', () => {
  assert.deepEqual(wholeDaysOf(at('2026-03-01T00:00:00Z'), at('2026-03-02T23:59:59.999Z')), { from: '2026-03-01', to: '2026-03-03' });
  // A start after midnight loses its day; an end before the last millisecond loses its own.
  assert.deepEqual(wholeDaysOf(at('2026-03-01T00:00:00.001Z'), at('2026-03-04T23:59:59.998Z')), { from: '2026-03-02', to: '2026-03-04' });
  // Another zone's midnight is not UTC's: 2026-03-01T00:00+05:30 is 2026-02-28T18:30Z.
  assert.deepEqual(wholeDaysOf(at('2026-03-01T00:00:00+05:30'), at('2026-03-03T12:00:00Z')), { from: '2026-03-01', to: '2026-03-03' });
});

test('no whole day: undefined', () => {
  assert.equal(wholeDaysOf(at('2026-03-01T06:00:00Z'), at('2026-03-02T05:00:00Z')), undefined);
  assert.equal(wholeDaysOf(at('2026-03-01T00:00:00Z'), at('2026-03-01T23:59:59.998Z')), undefined);
});
