// Daily pain from $stats: the request, days read from the answer, a long range's summary and weighted means.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Parameters } from 'fhir/r4.js';
import { dailyStatsUrl, meanOfDays, painDays, statDays, summarizeDays } from './daily-stats.js';

const day = (date: string, stats: Record<string, number>) => ({
  name: 'statistics',
  resource: {
    resourceType: 'Observation' as const,
    status: 'final' as const,
    code: { coding: [{ system: 'http://loinc.org', code: '72514-3' }] },
    effectivePeriod: { start: `${date}T00:00:00Z`, end: `${date}T23:59:59.999Z` },
    component: Object.entries(stats).map(([code, value]) => ({
      code: { coding: [{ code }] },
      ...(code === 'count' ? { valueInteger: value } : { valueQuantity: { value, code: '{score}' } }),
    })),
  },
});

test('all time: no period start; one day per statistics Observation, oldest first', () => {
  const url = new URL(dailyStatsUrl('p', ['72514-3'], ['average', 'count'], undefined, new Date('2026-12-01T00:00:00Z')), 'http://x/fhir/');
  assert.equal(url.searchParams.get('period'), '/2026-12-01T00:00:00.000Z');
  const answer: Parameters = {
    resourceType: 'Parameters',
    parameter: [
      day('2026-11-02', { average: 4, maximum: 6, minimum: 2, count: 3 }),
      day('2026-11-01', { average: 8, maximum: 8, minimum: 8, count: 1 }),
    ],
  };
  const days = painDays(statDays(answer).get('72514-3')!);
  assert.deepEqual(
    days.map((d) => [d.day, d.mean, d.max, d.count]),
    [
      ['2026-11-01', 8, 8, 1],
      ['2026-11-02', 4, 6, 3],
    ],
  );
  // Each day weighted by its scores: (8 + 3 * 4) / 4.
  assert.equal(meanOfDays(days, -Infinity, Infinity), 5);
  assert.equal(meanOfDays(days, Date.parse('2026-11-02T00:00:00Z'), Infinity), 4);
  assert.equal(meanOfDays(days, 0, 1), undefined);
  const summary = summarizeDays(
    days,
    new Map([
      ['2026-11-01', 8],
      ['2026-11-02', 2],
    ]),
    undefined,
  );
  assert.deepEqual(summary, { count: 4, latest: undefined, first: '2026-11-01', last: '2026-11-02', min: 2, max: 8, mean: 5 });
  assert.deepEqual(summarizeDays([], new Map(), undefined), { count: 0 });
});
