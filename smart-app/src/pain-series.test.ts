// Pain series: window, sorting, and what is never plotted as a score.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Observation } from 'fhir/r4.js';
import { buildPainSeries, painSearchUrl, summarizePain, windowStart } from './pain-series.js';

const now = new Date('2026-12-01T10:00:00Z');
const pain = (id: string, when: string | undefined, value: number | undefined, over: Partial<Observation> = {}): Observation => ({
  resourceType: 'Observation', id, status: 'final',
  code: { coding: [{ system: 'http://loinc.org', code: '72514-3' }] },
  ...(when ? { effectiveDateTime: when } : {}),
  ...(value === undefined ? {} : { valueQuantity: { value, unit: '{score}' } }),
  ...over,
});

test('keeps the last 90 days, sorted by time whatever order the server sent', () => {
  const series = buildPainSeries([
    pain('c', '2026-11-30T08:00:00Z', 7),
    pain('a', '2026-09-02T10:00:01Z', 3),
    pain('old', '2026-09-02T09:59:59Z', 9),
    pain('b', '2026-10-15T08:00:00+02:00', 5),
    pain('future', '2026-12-02T08:00:00Z', 1),
  ], now);
  assert.deepEqual(series.map((p) => [p.id, p.score]), [['a', 3], ['b', 5], ['c', 7]]);
  assert.equal(series[1]!.time, Date.parse('2026-10-15T06:00:00Z'));
});

test('takes valueInteger, effectiveInstant and effectivePeriod.start; ties ordered by id', () => {
  const series = buildPainSeries([
    pain('y', undefined, undefined, { valueInteger: 4, effectiveInstant: '2026-11-01T08:00:00Z' }),
    pain('x', undefined, 6, { effectivePeriod: { start: '2026-11-01T08:00:00Z' } }),
  ], now);
  assert.deepEqual(series.map((p) => [p.id, p.score]), [['x', 6], ['y', 4]]);
});

test('skips errors, cancelled, other codes, missing values and missing or bad times', () => {
  const series = buildPainSeries([
    pain('err', '2026-11-01', 5, { status: 'entered-in-error' }),
    pain('cancel', '2026-11-01', 5, { status: 'cancelled' }),
    pain('hr', '2026-11-01', 60, { code: { coding: [{ system: 'http://loinc.org', code: '8867-4' }] } }),
    pain('other-system', '2026-11-01', 5, { code: { coding: [{ system: 'http://snomed.info/sct', code: '72514-3' }] } }),
    pain('novalue', '2026-11-01', undefined),
    pain('notime', undefined, 5),
    pain('badtime', 'soon', 5),
    { resourceType: 'OperationOutcome' } as unknown as Observation,
    pain('ok', '2026-11-01', 0),
  ], now);
  assert.deepEqual(series.map((p) => p.id), ['ok']);
});

test('summary: count, latest, range, mean', () => {
  const series = buildPainSeries([pain('a', '2026-11-01', 2), pain('b', '2026-11-03', 8), pain('c', '2026-11-02', 5)], now);
  assert.deepEqual(summarizePain(series), { count: 3, latest: series[2], min: 2, max: 8, mean: 5 });
  assert.deepEqual(summarizePain([]), { count: 0 });
});

test('the search asks for this patient, the pain code and the window', () => {
  assert.equal(windowStart(now).toISOString(), '2026-09-02T10:00:00.000Z');
  const url = new URL(painSearchUrl('p 1', now), 'http://x/fhir/');
  assert.equal(url.pathname, '/fhir/Observation');
  assert.equal(url.searchParams.get('patient'), 'p 1');
  assert.equal(url.searchParams.get('code'), 'http://loinc.org|72514-3');
  assert.equal(url.searchParams.get('date'), 'ge2026-09-02T10:00:00.000Z');
  assert.equal(url.searchParams.get('_sort'), 'date');
});
