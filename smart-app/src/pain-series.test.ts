// Pain series: window, sorting, and what is never plotted as a score.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Observation } from 'fhir/r4.js';
import { rangeStart } from './range.js';
import { buildPainSeries, dailyPain, meanPainBetween, painSearchUrl, summarizePain } from './pain-series.js';

const now = new Date('2026-12-01T10:00:00Z');
const from = rangeStart('90d', now);
const pain = (id: string, when: string | undefined, value: number | undefined, over: Partial<Observation> = {}): Observation => ({
  resourceType: 'Observation',
  id,
  status: 'final',
  code: { coding: [{ system: 'http://loinc.org', code: '72514-3' }] },
  ...(when ? { effectiveDateTime: when } : {}),
  ...(value === undefined ? {} : { valueQuantity: { value, unit: '{score}' } }),
  ...over,
});

test('keeps the last 90 days, sorted by time whatever order the server sent', () => {
  const series = buildPainSeries(
    [
      pain('c', '2026-11-30T08:00:00Z', 7),
      pain('a', '2026-09-02T10:00:01Z', 3),
      pain('old', '2026-09-02T09:59:59Z', 9),
      pain('b', '2026-10-15T08:00:00+02:00', 5),
      pain('future', '2026-12-02T08:00:00Z', 1),
    ],
    from,
    now,
  );
  assert.deepEqual(
    series.map((p) => [p.id, p.score]),
    [
      ['a', 3],
      ['b', 5],
      ['c', 7],
    ],
  );
  assert.equal(series[1].time, Date.parse('2026-10-15T06:00:00Z'));
});

test('takes valueInteger, effectiveInstant and effectivePeriod.start; ties ordered by id', () => {
  const series = buildPainSeries(
    [
      pain('y', undefined, undefined, { valueInteger: 4, effectiveInstant: '2026-11-01T08:00:00Z' }),
      pain('x', undefined, 6, { effectivePeriod: { start: '2026-11-01T08:00:00Z' } }),
    ],
    from,
    now,
  );
  assert.deepEqual(
    series.map((p) => [p.id, p.score]),
    [
      ['x', 6],
      ['y', 4],
    ],
  );
});

test('skips errors, cancelled, other codes, missing values and missing or bad times', () => {
  const series = buildPainSeries(
    [
      pain('err', '2026-11-01', 5, { status: 'entered-in-error' }),
      pain('cancel', '2026-11-01', 5, { status: 'cancelled' }),
      pain('hr', '2026-11-01', 60, { code: { coding: [{ system: 'http://loinc.org', code: '8867-4' }] } }),
      pain('other-system', '2026-11-01', 5, { code: { coding: [{ system: 'http://snomed.info/sct', code: '72514-3' }] } }),
      pain('novalue', '2026-11-01', undefined),
      pain('notime', undefined, 5),
      pain('badtime', 'soon', 5),
      { resourceType: 'OperationOutcome' } as unknown as Observation,
      pain('ok', '2026-11-01', 0),
    ],
    from,
    now,
  );
  assert.deepEqual(
    series.map((p) => p.id),
    ['ok'],
  );
});

test('summary: count, latest, range, mean', () => {
  const series = buildPainSeries([pain('a', '2026-11-01', 2), pain('b', '2026-11-03', 8), pain('c', '2026-11-02', 5)], from, now);
  assert.deepEqual(summarizePain(series), {
    count: 3,
    first: series[0].when,
    last: series[2].when,
    latest: series[2],
    min: 2,
    max: 8,
    mean: 5,
  });
  assert.deepEqual(summarizePain([]), { count: 0 });
});

test('the search asks for this patient, the pain code and the window', () => {
  const url = new URL(painSearchUrl('p 1', from), 'http://x/fhir/');
  assert.equal(url.pathname, '/fhir/Observation');
  assert.equal(url.searchParams.get('patient'), 'p 1');
  assert.equal(url.searchParams.get('code'), 'http://loinc.org|72514-3');
  assert.equal(url.searchParams.get('date'), 'ge2026-09-02T10:00:00.000Z');
  assert.equal(url.searchParams.get('_sort'), 'date');
});

test('"all": no date in the search and no lower bound on the series', () => {
  assert.equal(new URL(painSearchUrl('p', undefined), 'http://x/fhir/').searchParams.get('date'), null);
  assert.deepEqual(
    buildPainSeries([pain('old', '2019-01-01T08:00:00Z', 3)], undefined, now).map((p) => p.id),
    ['old'],
  );
});

test('body site, quality, interference and note come with the score', () => {
  const [point] = buildPainSeries(
    [
      pain('d', '2026-11-01T08:00:00Z', 6, {
        bodySite: { coding: [{ system: 'http://snomed.info/sct', code: '37822005' }] },
        component: [
          {
            code: { coding: [{ system: 'https://fhir.fibrotrack.org/CodeSystem/fibrotrack-observation', code: 'pain-quality' }] },
            valueCodeableConcept: { coding: [{ system: 'http://snomed.info/sct', code: '8708008', display: 'Burning pain' }] },
          },
          {
            code: { coding: [{ system: 'https://fhir.fibrotrack.org/CodeSystem/fibrotrack-observation', code: 'pain-interference' }] },
            valueQuantity: { value: 4 },
          },
        ],
        note: [{ text: 'worse after gardening' }],
      }),
    ],
    from,
    now,
  );
  assert.deepEqual(
    [point.sites, point.siteCodes, point.qualities, point.interference, point.note],
    [['Lower back'], ['37822005'], ['Burning pain'], 4, 'worse after gardening'],
  );
});

test('daily mean and maximum, by the day as recorded (its own offset), oldest first', () => {
  const series = buildPainSeries(
    [pain('a', '2026-11-02T23:30:00+02:00', 8), pain('b', '2026-11-02T08:00:00+02:00', 4), pain('c', '2026-11-01T08:00:00Z', 5)],
    from,
    now,
  );
  assert.deepEqual(
    dailyPain(series).map((d) => [d.day, d.mean, d.max, d.count]),
    [
      ['2026-11-01', 5, 5, 1],
      ['2026-11-02', 6, 8, 2],
    ],
  );
  assert.equal(meanPainBetween(series, Date.parse('2026-11-02T00:00:00Z'), Date.parse('2026-11-03T00:00:00Z')), 6);
  assert.equal(meanPainBetween(series, 0, 1), undefined);
});
