// Sleep duration (LOINC 93832-4) and steps per day (41950-7) as daily series for the treatment chart, from the
// server's daily statistics ($stats, bucket=day): the wearable data itself never reaches the browser. Pure.
import { dailyStatsUrl, type StatDay } from './daily-stats.js';

export const SLEEP_LOINC = '93832-4';
export const STEPS_LOINC = '41950-7';

export interface DailyValue {
  day: string;
  time: number;
  value: number;
}

export interface ActivitySeries {
  /** Hours slept, by the UTC day the sleep started (every session of a day added: a nap counts). */
  sleep: DailyValue[];
  /** A day's largest total (two devices reporting the same day are not added). */
  steps: DailyValue[];
}

/** Sleep is added up per day, steps are the day's maximum. */
export function activityStatsUrl(patientId: string, from: Date | undefined, to: Date): string {
  return dailyStatsUrl(patientId, [SLEEP_LOINC, STEPS_LOINC], ['sum', 'maximum'], from, to);
}

const MINUTES: Record<string, number> = { min: 1, h: 60, s: 1 / 60 };

/** The series from the days per code (statDays); sleep in any of min, h, s is shown in hours. */
export function activitySeries(byCode: Map<string, StatDay[]>): ActivitySeries {
  const sleep = new Map<string, DailyValue>();
  for (const d of byCode.get(SLEEP_LOINC) ?? []) {
    if (d.values.sum === undefined) continue;
    const hours = (d.values.sum * (MINUTES[d.unit ?? 'min'] ?? 1)) / 60;
    const prev = sleep.get(d.day);
    sleep.set(d.day, { day: d.day, time: d.time, value: (prev?.value ?? 0) + hours });
  }
  const steps = (byCode.get(STEPS_LOINC) ?? [])
    .filter((d) => d.values.maximum !== undefined)
    .map((d) => ({ day: d.day, time: d.time, value: d.values.maximum }));
  return { sleep: [...sleep.values()].sort((a, b) => a.time - b.time), steps };
}
