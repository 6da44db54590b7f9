// Sleep and steps per day from the server's daily statistics: sessions in several units added, steps' maximum.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Parameters } from 'fhir/r4.js';
import { activityStatsUrl, activitySeries } from './activity.js';
import { statDays } from './daily-stats.js';

const day = (code: string, date: string, stat: string, value: number, unit: string) => ({
  name: 'statistics',
  resource: {
    resourceType: 'Observation' as const,
    status: 'final' as const,
    code: { coding: [{ system: 'http://loinc.org', code }] },
    effectivePeriod: { start: `${date}T00:00:00Z`, end: `${date}T23:59:59.999Z` },
    component: [{ code: { coding: [{ code: stat }] }, valueQuantity: { value, code: unit } }],
  },
});

test("sleep added per day across units (minutes and hours), steps the day's maximum, oldest first", () => {
  const answer: Parameters = {
    resourceType: 'Parameters',
    parameter: [
      day('41950-7', '2026-11-02', 'maximum', 8000, '/d'),
      day('93832-4', '2026-11-02', 'sum', 420, 'min'),
      day('93832-4', '2026-11-02', 'sum', 1, 'h'),
      day('41950-7', '2026-10-01', 'maximum', 100, '/d'),
    ],
  };
  const series = activitySeries(statDays(answer));
  assert.deepEqual(
    series.sleep.map((d) => [d.day, d.value]),
    [['2026-11-02', 8]],
  );
  assert.deepEqual(
    series.steps.map((d) => [d.day, d.value]),
    [
      ['2026-10-01', 100],
      ['2026-11-02', 8000],
    ],
  );
});

test('the request: $stats of the two daily codes per day, sum and maximum, over the range', () => {
  const url = new URL(activityStatsUrl('p', new Date('2026-01-01T00:00:00Z'), new Date('2026-02-01T00:00:00Z')), 'http://x/fhir/');
  assert.equal(url.pathname, '/fhir/Observation/$stats');
  assert.deepEqual(url.searchParams.getAll('code'), ['93832-4', '41950-7']);
  assert.equal(url.searchParams.get('subject'), 'Patient/p');
  assert.equal(url.searchParams.get('statistic'), 'sum,maximum');
  assert.equal(url.searchParams.get('period'), '2026-01-01T00:00:00.000Z/2026-02-01T00:00:00.000Z');
  assert.equal(url.searchParams.get('bucket'), 'day');
});
