// Sleep duration (LOINC 93832-4) and steps per day (41950-7) as daily series for the treatment chart: the
// search and one value per day. Pure.
import type { Observation } from 'fhir/r4.js';
import { dayNoon, LOINC, recordedDay } from './pain-series.js';

export const SLEEP_LOINC = '93832-4';
export const STEPS_LOINC = '41950-7';

export interface DailyValue {
  day: string;
  time: number;
  value: number;
}

export interface ActivitySeries {
  /** Hours slept, by the day the sleep ended (the morning it was woken on). */
  sleep: DailyValue[];
  steps: DailyValue[];
}

/** Daily summaries only: minute-level data never reaches the browser. */
export function activitySearchUrl(patientId: string, from: Date | undefined): string {
  const params = new URLSearchParams({
    patient: patientId, code: `${LOINC}|${SLEEP_LOINC},${LOINC}|${STEPS_LOINC}`, _sort: 'date', _count: '1000',
  });
  if (from) params.set('date', `ge${from.toISOString()}`);
  return `Observation?${params}`;
}

const MINUTES: Record<string, number> = { min: 1, h: 60, s: 1 / 60 };

function codeOf(obs: Observation): string | undefined {
  return obs.code?.coding?.find((c) => c.system === LOINC && (c.code === SLEEP_LOINC || c.code === STEPS_LOINC))?.code;
}

/**
 * Sleep: every session ending on a day is added up (a nap counts). Steps: a day's largest total (two devices
 * reporting the same day are not added). Days outside [from, to] are dropped.
 */
export function activitySeries(observations: Observation[], from: Date | undefined, to: Date): ActivitySeries {
  const sleep = new Map<string, number>();
  const steps = new Map<string, number>();
  for (const obs of observations) {
    if (obs.resourceType !== 'Observation' || obs.status === 'entered-in-error' || obs.status === 'cancelled') continue;
    const code = codeOf(obs);
    const value = obs.valueQuantity?.value;
    if (!code || typeof value !== 'number') continue;
    const when = obs.effectivePeriod?.end ?? obs.effectiveDateTime ?? obs.effectiveInstant;
    // A daily total's period starts at the day's first second: its day is the start's.
    const dayOf = code === STEPS_LOINC ? obs.effectivePeriod?.start ?? when : when;
    if (!dayOf || Number.isNaN(Date.parse(dayOf))) continue;
    const day = recordedDay(dayOf, Date.parse(dayOf));
    if (code === SLEEP_LOINC) {
      const factor = MINUTES[obs.valueQuantity?.code ?? obs.valueQuantity?.unit ?? 'min'] ?? 1;
      sleep.set(day, (sleep.get(day) ?? 0) + (value * factor) / 60);
    } else {
      steps.set(day, Math.max(steps.get(day) ?? 0, value));
    }
  }
  const start = from?.getTime() ?? -Infinity;
  const series = (m: Map<string, number>) => [...m.entries()]
    .map(([day, value]) => ({ day, time: dayNoon(day), value }))
    .filter((d) => d.time >= start - 12 * 3600_000 && d.time <= to.getTime() + 12 * 3600_000)
    .sort((a, b) => a.time - b.time);
  return { sleep: series(sleep), steps: series(steps) };
}
