// Latest vitals: the $lastn query and one row per kind with the newest value.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Observation } from 'fhir/r4.js';
import { lastnUrl, vitalRows } from './vitals.js';

const obs = (code: string, when: string, valueQuantity: Observation['valueQuantity'], over: Partial<Observation> = {}): Observation => ({
  resourceType: 'Observation',
  status: 'final',
  code: { coding: [{ system: 'http://loinc.org', code }] },
  effectiveDateTime: when,
  valueQuantity,
  ...over,
});

test('the query names the patient, all five codes and max=1', () => {
  const url = new URL(lastnUrl('pat-1'), 'http://x/fhir/');
  assert.equal(url.pathname, '/fhir/Observation/$lastn');
  assert.equal(url.searchParams.get('patient'), 'pat-1');
  assert.equal(url.searchParams.get('max'), '1');
  assert.equal(
    url.searchParams.get('code'),
    'http://loinc.org|8867-4,http://loinc.org|40443-4,http://loinc.org|41950-7,http://loinc.org|93832-4,http://loinc.org|59408-5',
  );
});

const now = new Date('2026-12-01T10:00:00Z');

test('one row per kind, newest value, "no data" rows kept', () => {
  const rows = vitalRows(
    [
      obs('40443-4', '2026-11-29', { value: 64, unit: '/min' }),
      obs('40443-4', '2026-11-30', { value: 61, unit: '/min' }),
      obs('41950-7', '2026-11-30', { value: 8432, unit: '{steps}', code: '{steps}' }),
      obs('93832-4', '2026-11-30', { value: 440, unit: 'min', code: 'min' }),
      obs('59408-5', '2026-11-30T03:00:00Z', { value: 96, unit: '%' }, { status: 'entered-in-error' }),
    ],
    now,
  );
  assert.deepEqual(
    rows.map((r) => [r.label, r.value ?? null, r.when ?? null]),
    [
      ['Heart rate', null, null],
      ['Resting heart rate', '61 beats/min', '2026-11-30'],
      ['Steps (24 h)', '8,432 steps', '2026-11-30'],
      ['Sleep duration', '7 h 20 min', '2026-11-30'],
      ['Oxygen saturation (SpO2)', null, null],
    ],
  );
});

test('a daily total shows as its date, not 23:59; a value older than a week is stale', () => {
  const rows = vitalRows(
    [
      obs(
        '41950-7',
        '',
        { value: 9000, unit: '/d' },
        { effectiveDateTime: undefined, effectivePeriod: { start: '2026-11-30T00:00:00+01:00', end: '2026-11-30T23:59:59+01:00' } },
      ),
      obs('8867-4', '2020-08-14T10:00:00Z', { value: 70, unit: '/min' }),
      obs(
        '93832-4',
        '',
        { value: 400, unit: 'min', code: 'min' },
        { effectiveDateTime: undefined, effectivePeriod: { start: '2026-11-29T23:10:00+01:00', end: '2026-11-30T06:50:00+01:00' } },
      ),
    ],
    now,
  );
  const byLabel = Object.fromEntries(rows.map((r) => [r.label, [r.when ?? null, r.daily ?? null, r.stale ?? null]]));
  assert.deepEqual(byLabel['Steps (24 h)'], ['2026-11-30', true, false]);
  assert.deepEqual(byLabel['Heart rate'], ['2020-08-14T10:00:00Z', false, true]);
  assert.deepEqual(byLabel['Sleep duration'], ['2026-11-30T06:50:00+01:00', false, false]);
});
