// mapGoogleFit: datasets and aggregate buckets, instants shown in the patient's zone, sleep stages of both
// segment types, other activities and gaps skipped, bad points refused with their position.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { MappingError, mapGoogleFit } from '../index.js';

const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`../../test-fixtures/google-fit/${name}`, import.meta.url), 'utf8'));
const opts = { patientReference: 'Patient/p1', fileName: 'fit.json' };

test('instants are shown in the patient zone when given (DST-aware), in UTC otherwise; nanoseconds beyond 2^53 are exact', () => {
  const sleep = mapGoogleFit(fixture('aggregate-sleep-segments.json'), { ...opts, timeZone: 'Europe/Berlin' }).observations;
  assert.deepEqual(sleep[1].effectivePeriod, { start: '2026-03-29T01:15:00+01:00', end: '2026-03-29T03:15:00+02:00' });
  assert.deepEqual(
    sleep.map((o) => o.valueCodeableConcept!.coding![0].code),
    ['light', 'deep', 'rem', 'awake'],
  );
  const steps = mapGoogleFit(fixture('merge-step-deltas.json'), opts).observations;
  assert.deepEqual(steps[2].effectivePeriod, { start: '2015-07-10T22:05:21.162Z', end: '2015-07-10T22:07:18.006Z' });
  assert.equal(steps[2].identifier![0].value, 'google-fit:com.google.step_count.delta:1436565921162000000-1436566038006058105');
});

test('a heart rate point is an instant when it starts where it ends, a period otherwise; devices come from the data source', () => {
  const out = mapGoogleFit(fixture('merge-heart-rate.json'), opts);
  assert.equal(out.observations[0].effectiveDateTime, '2015-01-30T15:37:48.186Z');
  assert.ok(out.observations[1].effectivePeriod);
  const steps = mapGoogleFit(fixture('merge-step-deltas.json'), opts);
  assert.deepEqual(
    steps.devices.map((d) => [d.manufacturer, d.modelNumber, d.deviceName![0].name]),
    [
      ['com.nike.plusgps', undefined, 'com.nike.plusgps'],
      ['samsung', 'Galaxy Nexus', 'Galaxy Nexus'],
      ['com.google.android.apps.fitness', undefined, 'com.google.android.apps.fitness'],
    ],
  );
  assert.deepEqual(steps.skipped, [{ position: 'fit.json point[1].value[0].intVal', reason: 'zero step count (a gap, not a reading)' }]);
});

test('activity segments other than sleep are skipped with their activity type', () => {
  const out = mapGoogleFit(fixture('merge-activity-segments.json'), opts);
  assert.deepEqual(out.observations, []);
  assert.deepEqual(
    out.skipped.map((s) => s.reason),
    [7, 9, 8].map((n) => `com.google.activity.segment ${n} is not a sleep stage`),
  );
  assert.equal(stageOf(mapGoogleFit(fixture('merge-activity-segments-only-sleep.json'), opts).observations[0]), 'asleep');
});

const stageOf = (o: { valueCodeableConcept?: { coding?: { code?: string }[] } }) => o.valueCodeableConcept?.coding?.[0].code;

test('bad points: an error naming the position, or skipped in best effort', () => {
  const json = {
    point: [
      { startTimeNanos: 'x', endTimeNanos: '2', dataTypeName: 'com.google.heart_rate.bpm', value: [{ fpVal: 60 }] },
      { startTimeNanos: '1000000', endTimeNanos: '1000000', dataTypeName: 'com.google.heart_rate.bpm', value: [{ fpVal: '61' }] },
    ],
  };
  assert.throws(
    () => mapGoogleFit(json, opts),
    (e: unknown) =>
      e instanceof MappingError &&
      e.position === 'point[0]' &&
      e.message === 'fit.json point[0]: startTimeNanos and endTimeNanos must be integers (as strings)',
  );
  const out = mapGoogleFit(json, { ...opts, bestEffort: true });
  assert.deepEqual(
    out.observations.map((o) => [o.effectiveDateTime, o.valueQuantity!.value]),
    [['1970-01-01T00:00:00.001Z', 61]],
  );
  assert.equal(out.skipped.length, 1);
  assert.throws(() => mapGoogleFit({ foo: 1 }, opts), /fit\.json: not a Google Fit dataset or aggregate response/);
});
