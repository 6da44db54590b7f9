// Medication lanes for the treatment chart: one lane per drug with its periods, start, stop and dose-change
// events, and mean pain in the weeks before and after each start. Pure.
import type { MedicationEntry } from './medications.js';
import { DAY_MS } from './range.js';

/** The weeks compared around a start: long enough for a drug like duloxetine or pregabalin to act. */
export const COMPARE_DAYS = 28;

export interface MedicationPeriod {
  start: number;
  end: number;
  /** No end recorded and still current: drawn to the end of the axis. */
  ongoing: boolean;
  dosage: string;
  entry: MedicationEntry;
}

export interface MedicationEvent {
  time: number;
  kind: 'start' | 'stop' | 'dose-change';
  label: string;
}

export interface MedicationLane {
  name: string;
  periods: MedicationPeriod[];
  events: MedicationEvent[];
  /** Mean pain in the COMPARE_DAYS before and after the first start (undefined where no score fell). */
  painBefore?: number;
  painAfter?: number;
}

const laneKey = (name: string) => name.trim().toLowerCase();

/**
 * Lanes from dated entries (an entry without a start cannot be placed on a time axis; the table still lists it),
 * in order of first start. Within a lane, a period whose dosage differs from the one before is a dose change; the
 * first start and, when nothing is current, the last end are the start and stop events.
 */
export function medicationLanes(
  entries: MedicationEntry[],
  meanPain: (from: number, to: number) => number | undefined,
  now: Date,
): MedicationLane[] {
  const lanes = new Map<string, MedicationLane>();
  for (const entry of entries) {
    const start = entry.start ? Date.parse(entry.start) : NaN;
    if (Number.isNaN(start)) continue;
    const endGiven = entry.end ? Date.parse(entry.end) : NaN;
    const ongoing = Number.isNaN(endGiven) && entry.current;
    // A past entry without an end: shown as a single day rather than guessed to last.
    const end = ongoing ? now.getTime() : Number.isNaN(endGiven) ? start + DAY_MS : endGiven;
    const key = laneKey(entry.name);
    const lane = lanes.get(key) ?? { name: entry.name, periods: [], events: [] };
    lane.periods.push({ start, end: Math.max(start, end), ongoing, dosage: entry.dosage, entry });
    lanes.set(key, lane);
  }
  for (const lane of lanes.values()) {
    lane.periods.sort((a, b) => a.start - b.start || a.end - b.end);
    const first = lane.periods[0];
    lane.events.push({ time: first.start, kind: 'start', label: `started ${first.dosage}` });
    for (let i = 1; i < lane.periods.length; i++) {
      const [prev, cur] = [lane.periods[i - 1], lane.periods[i]];
      if (cur.dosage !== prev.dosage) lane.events.push({ time: cur.start, kind: 'dose-change', label: `dose changed to ${cur.dosage}` });
    }
    if (!lane.periods.some((p) => p.ongoing)) {
      const last = Math.max(...lane.periods.map((p) => p.end));
      lane.events.push({ time: last, kind: 'stop', label: 'stopped' });
    }
    lane.painBefore = meanPain(first.start - COMPARE_DAYS * DAY_MS, first.start);
    lane.painAfter = meanPain(first.start, first.start + COMPARE_DAYS * DAY_MS);
  }
  return [...lanes.values()].sort((a, b) => a.periods[0].start - b.periods[0].start || a.name.localeCompare(b.name));
}

/** Lanes with a period overlapping [from, to]. */
export function lanesInRange(lanes: MedicationLane[], from: number, to: number): MedicationLane[] {
  return lanes.filter((l) => l.periods.some((p) => p.end >= from && p.start <= to));
}
