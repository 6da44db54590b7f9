// Time range: parsed from the fragment, its start, its wording.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseRange, rangePhrase, rangeStart } from './range.js';

test('the fragment names the range; anything else is the 90-day default', () => {
  assert.equal(parseRange('#range=1y'), '1y');
  assert.equal(parseRange('#range=all'), 'all');
  assert.equal(parseRange(''), '90d');
  assert.equal(parseRange('#range=5y'), '90d');
});

test('the start is that many days back; "all" has none', () => {
  const now = new Date('2026-12-01T10:00:00Z');
  assert.equal(rangeStart('30d', now)!.toISOString(), '2026-11-01T10:00:00.000Z');
  assert.equal(rangeStart('1y', now)!.toISOString(), '2025-12-01T10:00:00.000Z');
  assert.equal(rangeStart('all', now), undefined);
  assert.equal(rangePhrase('30d'), 'the last 30 days');
  assert.equal(rangePhrase('1y'), 'the last year');
});
