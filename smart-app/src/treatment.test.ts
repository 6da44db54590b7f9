// Medication lanes: periods per drug, start / dose change / stop, pain before and after the start.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { MedicationEntry } from './medications.js';
import { meanPainBetween, type PainPoint } from './pain-series.js';
import { lanesInRange, medicationLanes } from './treatment.js';

const now = new Date('2026-12-01T10:00:00Z');
const entry = (name: string, start: string | undefined, end: string | undefined, dosage: string, current: boolean): MedicationEntry => ({
  source: 'MedicationStatement',
  name,
  dosage,
  status: current ? 'active' : 'stopped',
  start,
  end,
  current,
});
const score = (when: string, s: number): PainPoint => ({ when, time: Date.parse(when), score: s, sites: [], siteCodes: [], qualities: [] });

test('one lane per drug: start, a dose change, no stop while current; pain in the four weeks before and after', () => {
  const lanes = medicationLanes(
    [
      entry('Pregabalin 75 mg', '2026-10-01', '2026-10-15', '75 mg twice daily', false),
      entry('pregabalin 75 mg', '2026-10-15', undefined, '150 mg twice daily', true),
      entry('Tramadol', '2026-06-01', '2026-07-01', '50 mg', false),
      entry('Undated', undefined, undefined, '1 tablet', true),
    ],
    (from, to) =>
      meanPainBetween([score('2026-09-20T08:00:00Z', 8), score('2026-09-25T08:00:00Z', 6), score('2026-10-10T08:00:00Z', 4)], from, to),
    now,
  );
  assert.deepEqual(
    lanes.map((l) => l.name),
    ['Tramadol', 'Pregabalin 75 mg'],
  );
  const [tramadol, pregabalin] = lanes;
  assert.deepEqual(
    tramadol.events.map((e) => [e.kind, new Date(e.time).toISOString().slice(0, 10)]),
    [
      ['start', '2026-06-01'],
      ['stop', '2026-07-01'],
    ],
  );
  assert.deepEqual(
    pregabalin.events.map((e) => [e.kind, e.label]),
    [
      ['start', 'started 75 mg twice daily'],
      ['dose-change', 'dose changed to 150 mg twice daily'],
    ],
  );
  assert.equal(pregabalin.periods[1].ongoing, true);
  assert.equal(pregabalin.periods[1].end, now.getTime());
  assert.deepEqual([pregabalin.painBefore, pregabalin.painAfter], [7, 4]);
  assert.deepEqual([tramadol.painBefore, tramadol.painAfter], [undefined, undefined]);
  assert.deepEqual(
    lanesInRange(lanes, Date.parse('2026-09-01'), now.getTime()).map((l) => l.name),
    ['Pregabalin 75 mg'],
  );
});
