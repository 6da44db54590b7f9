// Fitbit sleep logs (API v1.2, `stages` and `classic`): one sleep-duration Observation per log with minutes per
// stage, and one sleep-stage Observation per segment. https://dev.fitbit.com/build/reference/web-api/sleep/get-sleep-log-by-date/
import type { Coding, ObservationComponent } from 'fhir/r4.js';
import { EXTRA_COMPONENTS, SLEEP_COMPONENTS, type SleepStage } from '../codes.js';
import type { LocalClock } from '../local-time.js';
import { buildObservation, quantity } from '../observation.js';
import { reading } from '../skips.js';
import { isObj, type FitbitContext, type Json } from './context.js';

const LEVELS: Record<string, SleepStage> = {
  wake: 'awake',
  awake: 'awake',
  light: 'light',
  deep: 'deep',
  rem: 'rem',
  asleep: 'asleep',
  restless: 'restless',
};
const LOCAL_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/;
const MIN = { unit: 'min', code: 'min' };

export function mapSleep(json: Json, ctx: FitbitContext): void {
  const logs = json.sleep;
  if (!Array.isArray(logs)) return ctx.skips.bad('sleep', 'sleep is not an array');
  logs.forEach((log: unknown, i: number) => mapLog(log, `sleep[${i}]`, ctx));
}

function mapLog(log: unknown, at: string, ctx: FitbitContext): void {
  if (!isObj(log)) return ctx.skips.bad(at, 'not an object');
  const logId = log.logId;
  if ((typeof logId !== 'number' && typeof logId !== 'string') || String(logId) === '') {
    return ctx.skips.bad(`${at}.logId`, 'a sleep log needs a logId');
  }
  if (typeof log.startTime !== 'string' || !LOCAL_TIME.test(log.startTime)) {
    return ctx.skips.bad(`${at}.startTime`, `startTime ${JSON.stringify(log.startTime)} is not a local date-time`);
  }
  // Fitbit keeps the offset in force when the sleep began for the whole log, even across a DST change.
  const clock = ctx.clock.fixedAt(log.startTime);
  const start = clock.place(log.startTime);
  if (!start) return ctx.skips.bad(`${at}.startTime`, 'startTime is not a valid time');
  // v1 logs may give startTime and duration (ms) without endTime: the end follows from the two.
  let end: string | undefined;
  if (log.endTime === undefined && log.duration !== undefined) {
    const ms = reading(log.duration);
    if (!ms.ok || ms.value < 0)
      return ctx.skips.bad(`${at}.duration`, `duration ${JSON.stringify(log.duration)} is not a number of milliseconds`);
    end = clock.placePlus(log.startTime, ms.value / 1000);
  } else {
    if (typeof log.endTime !== 'string' || !LOCAL_TIME.test(log.endTime)) {
      return ctx.skips.bad(
        `${at}.endTime`,
        `endTime ${JSON.stringify(log.endTime)} is not a local date-time (and there is no duration to tell the end)`,
      );
    }
    end = clock.place(log.endTime);
  }
  if (!end) return ctx.skips.bad(`${at}.endTime`, 'endTime is not a valid time');
  if (Date.parse(end) < Date.parse(start)) return ctx.skips.bad(`${at}.endTime`, 'endTime is before startTime');
  const asleep = reading(log.minutesAsleep);
  if (!asleep.ok) {
    return asleep.blank
      ? ctx.skips.bad(`${at}.minutesAsleep`, 'a sleep log needs minutesAsleep')
      : ctx.skips.bad(`${at}.minutesAsleep`, `minutesAsleep ${JSON.stringify(log.minutesAsleep)} is not a number`);
  }
  const levels = isObj(log.levels) ? log.levels : undefined;
  ctx.out.push(
    buildObservation({
      kind: 'sleep-duration',
      id: `fitbit:sleep:${logId}`,
      patientReference: ctx.opts.patientReference,
      effective: { start, end },
      value: asleep.value,
      components: summaryComponents(levels?.summary),
      device: ctx.device,
    }),
  );
  if (!levels) return;
  mapSegments(levels.data, `${at}.levels.data`, `fitbit:sleep:${logId}:`, clock, ctx);
  // Stage logs overlay short wakes (3 minutes or less) on the long segments in shortData.
  if (levels.shortData !== undefined) mapSegments(levels.shortData, `${at}.levels.shortData`, `fitbit:sleep:${logId}:short:`, clock, ctx);
}

/** Minutes per stage from levels.summary; classic logs' asleep and restless minutes under codes of our own. */
function summaryComponents(summary: unknown): ObservationComponent[] {
  if (!isObj(summary)) return [];
  const out: ObservationComponent[] = [];
  const add = (key: string, coding: Coding) => {
    const entry = summary[key];
    const r = isObj(entry) ? reading(entry.minutes) : undefined;
    if (r?.ok) out.push({ code: { coding: [coding] }, valueQuantity: quantity(r.value, MIN) });
  };
  add('deep', SLEEP_COMPONENTS.deep);
  add('light', SLEEP_COMPONENTS.light);
  add('rem', SLEEP_COMPONENTS.rem);
  add(isObj(summary.wake) ? 'wake' : 'awake', SLEEP_COMPONENTS.awake);
  add('restless', EXTRA_COMPONENTS.restless);
  add('asleep', EXTRA_COMPONENTS.asleep);
  return out;
}

function mapSegments(data: unknown, at: string, idPrefix: string, clock: LocalClock, ctx: FitbitContext): void {
  if (data === undefined) return;
  if (!Array.isArray(data)) return ctx.skips.bad(at, 'not an array');
  data.forEach((seg: unknown, i: number) => {
    const here = `${at}[${i}]`;
    if (!isObj(seg)) return ctx.skips.bad(here, 'not an object');
    const stage = LEVELS[String(seg.level)];
    if (!stage) return ctx.skips.bad(`${here}.level`, `unknown sleep level ${JSON.stringify(seg.level)}`);
    // Some responses key the start `datetime` (lowercase).
    const key = seg.dateTime === undefined && seg.datetime !== undefined ? 'datetime' : 'dateTime';
    const dateTime = seg[key];
    if (typeof dateTime !== 'string' || !LOCAL_TIME.test(dateTime)) {
      return ctx.skips.bad(`${here}.${key}`, `${key} ${JSON.stringify(dateTime)} is not a local date-time`);
    }
    const seconds = reading(seg.seconds);
    if (!seconds.ok) return ctx.skips.bad(`${here}.seconds`, `seconds ${JSON.stringify(seg.seconds)} is not a number`);
    if (seconds.value <= 0) return ctx.skips.drop(here, 'a sleep segment of no duration');
    const start = clock.place(dateTime);
    const end = clock.placePlus(dateTime, seconds.value);
    if (!start || !end) return ctx.skips.bad(`${here}.${key}`, `${key} is not a valid time`);
    ctx.out.push(
      buildObservation({
        kind: 'sleep-stage',
        id: `${idPrefix}${dateTime}`,
        patientReference: ctx.opts.patientReference,
        effective: { start, end },
        stage,
        device: ctx.device,
      }),
    );
  });
}
