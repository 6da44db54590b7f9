// Recent wearable data for a demo patient as Fitbit Web API responses (steps, resting heart rate, sleep for the
// last 30 days, dated relative to `today`), to be read by our own Fitbit importer like a real export. Pure.
import { seededRandom } from '../core/seeded-random.js';

export const WEARABLE_DAYS = 30;
const DAY_MS = 86_400_000;

const day = (time: number) => new Date(time).toISOString().slice(0, 10);
const local = (time: number) => new Date(time).toISOString().slice(0, 23);

/** File name to JSON text: what a Fitbit export folder for this patient holds. */
export function fitbitFiles(n: number, today: Date): Record<string, string> {
  const rand = seededRandom(n * 104729);
  const day0 = Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate());
  const days = Array.from({ length: WEARABLE_DAYS }, (_, i) => day0 - (WEARABLE_DAYS - i) * DAY_MS);
  const steps = days.map((t) => ({ dateTime: day(t), value: String(2500 + Math.floor(rand() * 7000)) }));
  const heart = days.map((t) => ({ dateTime: day(t), value: { restingHeartRate: 58 + Math.floor(rand() * 14), heartRateZones: [] } }));
  const sleep = days.map((t, i) => {
    const start = t - 60 * 60_000 * (1 + rand()); // went to bed between 22:00 and 23:00 the evening before
    const minutes = 300 + Math.floor(rand() * 180);
    return {
      dateOfSleep: day(t),
      startTime: local(start),
      endTime: local(start + minutes * 60_000),
      duration: minutes * 60_000,
      minutesAsleep: minutes - 20,
      minutesAwake: 20,
      timeInBed: minutes,
      efficiency: 90,
      isMainSleep: true,
      logId: n * 100_000 + i,
      type: 'classic',
      infoCode: 0,
      minutesAfterWakeup: 0,
      minutesToFallAsleep: 5,
    };
  });
  return {
    'steps.json': JSON.stringify({ 'activities-steps': steps }),
    'heart.json': JSON.stringify({ 'activities-heart': heart }),
    'sleep.json': JSON.stringify({ sleep }),
  };
}
