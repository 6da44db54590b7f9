import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseDateRange } from './date-range.js';

test('a date covers its whole precision', () => {
  assert.deepEqual(parseDateRange('2024'), { start: Date.UTC(2024, 0, 1), end: Date.UTC(2025, 0, 1) - 1 });
  assert.deepEqual(parseDateRange('2024-02'), { start: Date.UTC(2024, 1, 1), end: Date.UTC(2024, 2, 1) - 1 });
  assert.deepEqual(parseDateRange('2024-02-29'), { start: Date.UTC(2024, 1, 29), end: Date.UTC(2024, 2, 1) - 1 });
  assert.deepEqual(parseDateRange('2024-02-29T10:15Z'), { start: Date.UTC(2024, 1, 29, 10, 15), end: Date.UTC(2024, 1, 29, 10, 16) - 1 });
  assert.deepEqual(parseDateRange('2024-02-29T10:15:30.5Z'), {
    start: Date.UTC(2024, 1, 29, 10, 15, 30, 500),
    end: Date.UTC(2024, 1, 29, 10, 15, 30, 500),
  });
});

test('offsets move the instant to UTC', () => {
  assert.equal(parseDateRange('2024-06-01T08:00:00+02:00')!.start, Date.UTC(2024, 5, 1, 6));
  assert.equal(parseDateRange('2024-06-01T08:00:00-05:30')!.start, Date.UTC(2024, 5, 1, 13, 30));
});

test('malformed dates are refused', () => {
  for (const bad of ['', '24', '2024-13', '2024-00-10', '2024-01-32', 'yesterday', '2024-01-01T25'])
    assert.equal(parseDateRange(bad), undefined, bad);
});

test('impossible calendar values are refused: month lengths, leap years, hours, minutes, seconds, offsets', () => {
  for (const bad of [
    '2026-02-29',
    '1900-02-29',
    '2026-02-30',
    '2026-04-31',
    '2026-01-01T24:00:00Z',
    '2026-01-01T10:60:00Z',
    '2026-01-01T10:00:61Z',
    '2026-01-01T10:00:00+14:30',
    '2026-01-01T10:00:00-15:00',
    '2026-01-01T10:00:00+02:60',
    '0000-01-01',
  ]) {
    assert.equal(parseDateRange(bad), undefined, bad);
  }
  for (const good of ['2024-02-29', '2000-02-29', '2026-01-01T23:59:60Z', '2026-01-01T10:00:00+14:00', '2026-01-01T10:00:00-14:00']) {
    assert.ok(parseDateRange(good), good);
  }
});

test('years before 100 are not read as 19xx', () => {
  assert.equal(new Date(parseDateRange('0050-03-01')!.start).toISOString(), '0050-03-01T00:00:00.000Z');
  assert.equal(new Date(parseDateRange('0099')!.end).toISOString(), '0099-12-31T23:59:59.999Z');
});
