// Sleep and steps per day: which day a value belongs to, naps added, duplicate step totals not.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Observation } from 'fhir/r4.js';
import { activitySearchUrl, activitySeries } from './activity.js';

const obs = (code: string, period: { start: string; end: string }, value: number, unit: string): Observation => ({
  resourceType: 'Observation', status: 'final', code: { coding: [{ system: 'http://loinc.org', code }] },
  effectivePeriod: period, valueQuantity: { value, code: unit, unit },
});

test('sleep by the day it ended (naps added), steps by their day (largest total)', () => {
  const series = activitySeries([
    obs('93832-4', { start: '2026-11-01T23:00:00+01:00', end: '2026-11-02T07:00:00+01:00' }, 420, 'min'),
    obs('93832-4', { start: '2026-11-02T14:00:00+01:00', end: '2026-11-02T15:00:00+01:00' }, 1, 'h'),
    obs('41950-7', { start: '2026-11-02T00:00:00+01:00', end: '2026-11-02T23:59:59+01:00' }, 8000, '/d'),
    obs('41950-7', { start: '2026-11-02T00:00:00+01:00', end: '2026-11-02T23:59:59+01:00' }, 7500, '/d'),
    obs('41950-7', { start: '2026-10-01T00:00:00+01:00', end: '2026-10-01T23:59:59+01:00' }, 100, '/d'),
  ], new Date('2026-10-15T00:00:00Z'), new Date('2026-12-01T00:00:00Z'));
  assert.deepEqual(series.sleep.map((d) => [d.day, d.value]), [['2026-11-02', 8]]);
  assert.deepEqual(series.steps.map((d) => [d.day, d.value]), [['2026-11-02', 8000]]);
});

test('the search asks only for the two daily codes', () => {
  const url = new URL(activitySearchUrl('p', undefined), 'http://x/fhir/');
  assert.equal(url.searchParams.get('code'), 'http://loinc.org|93832-4,http://loinc.org|41950-7');
  assert.equal(url.searchParams.get('date'), null);
});
