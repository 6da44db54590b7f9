// Fitbit daily activity summary (`activities/date/{date}.json`): the day's steps, active minutes by level, resting
// heart rate, and each logged exercise session. https://dev.fitbit.com/build/reference/web-api/activity/get-daily-activity-summary/
import type { ObservationComponent } from 'fhir/r4.js';
import { ACTIVITY_LEVEL_COMPONENTS, FITBIT_ACTIVITY_CS, WORKOUT_COMPONENTS } from '../codes.js';
import { buildObservation, quantity, type Effective } from '../observation.js';
import { positive, reading } from '../skips.js';
import { DATE, dateOf, idText, isObj, localDay, unplaced, type FitbitContext, type Json } from './context.js';

const MIN = { unit: 'min', code: 'min' };
const HHMM = /^\d{2}:\d{2}(:\d{2})?$/;
/** Summary fields mapped; the others (calories, distances, floors, elevation, zones) are reported as skipped. */
const MAPPED_SUMMARY = new Set(['steps', 'restingHeartRate', ...Object.keys(ACTIVITY_LEVEL_COMPONENTS)]);

/** The daily summary and its sessions; the summary's date is the one asked for, which the response does not repeat. */
export function mapActivitySummary(json: Json, ctx: FitbitContext): void {
  const sessions = Array.isArray(json.activities) ? json.activities : undefined;
  if (json.activities !== undefined && !sessions) ctx.skips.bad('activities', 'activities is not an array');
  sessions?.forEach((s: unknown, i: number) => mapSession(s, `activities[${i}]`, ctx));
  if (json.goals !== undefined) ctx.skips.drop('goals', 'goals are targets, not measurements');
  if (json.summary === undefined) return;
  if (!isObj(json.summary)) return ctx.skips.bad('summary', 'summary is not an object');
  const date = summaryDate(json, ctx);
  if (!date) return;
  mapSummary(json.summary, date, ctx);
}

/** The `date` option, else a yyyy-MM-dd in the file's name (as saved from `activities/date/2026-05-04.json`), else the sessions' day. */
function summaryDate(json: Json, ctx: FitbitContext): string | undefined {
  const given = ctx.opts.date;
  if (given !== undefined) return dateOf(ctx, 'date', given);
  const named = /(\d{4}-\d{2}-\d{2})/.exec(ctx.opts.fileName ?? '')?.[1];
  if (named) return dateOf(ctx, 'fileName', named);
  const starts = Array.isArray(json.activities) ? json.activities.map((a) => (isObj(a) ? a.startDate : undefined)) : [];
  const date = starts.find((d): d is string => typeof d === 'string' && DATE.test(d));
  if (!date)
    ctx.skips.bad(
      'summary',
      'a daily activity summary names no date: name the file with the date asked for (e.g. activities-2026-05-04.json)',
    );
  return date;
}

function mapSummary(summary: Json, date: string, ctx: FitbitContext): void {
  const period = localDay(ctx, date);
  if (!period) return;
  const steps = summary.steps === undefined ? undefined : positive(ctx.skips, 'summary.steps', summary.steps, 'step count');
  if (steps !== undefined) {
    ctx.out.push(
      buildObservation({
        kind: 'daily-steps',
        id: `fitbit:daily-steps:${date}`,
        patientReference: ctx.opts.patientReference,
        effective: period,
        value: steps,
        device: ctx.device,
      }),
    );
  }
  if (summary.restingHeartRate !== undefined) {
    const rest = positive(ctx.skips, 'summary.restingHeartRate', summary.restingHeartRate, 'resting heart rate');
    if (rest !== undefined) {
      ctx.out.push(
        buildObservation({
          kind: 'resting-heart-rate',
          id: `fitbit:resting-heart:${date}`,
          patientReference: ctx.opts.patientReference,
          effective: period,
          value: rest,
          device: ctx.device,
        }),
      );
    }
  }
  const levels: ObservationComponent[] = [];
  const minutes: Record<string, number> = {};
  for (const [key, coding] of Object.entries(ACTIVITY_LEVEL_COMPONENTS)) {
    if (summary[key] === undefined) continue;
    const r = reading(summary[key]);
    if (!r.ok || r.value < 0) {
      ctx.skips.bad(`summary.${key}`, `${key} ${JSON.stringify(summary[key])} is not a number of minutes`);
      continue;
    }
    minutes[key] = r.value;
    levels.push({ code: { coding: [coding] }, valueQuantity: quantity(r.value, MIN) });
  }
  if (levels.length) {
    // The value: minutes of moderate to vigorous activity (fairly + very active), what exercise advice counts.
    ctx.out.push(
      buildObservation({
        kind: 'active-minutes',
        id: `fitbit:active-minutes:${date}`,
        patientReference: ctx.opts.patientReference,
        effective: period,
        value: (minutes.veryActiveMinutes ?? 0) + (minutes.fairlyActiveMinutes ?? 0),
        components: levels,
        device: ctx.device,
      }),
    );
  }
  for (const key of Object.keys(summary)) {
    if (!MAPPED_SUMMARY.has(key)) ctx.skips.drop(`summary.${key}`, `summary.${key} is not mapped`);
  }
}

function mapSession(s: unknown, at: string, ctx: FitbitContext): void {
  if (!isObj(s)) return ctx.skips.bad(at, 'not an object');
  if (s.logId === undefined || s.logId === '') return ctx.skips.bad(`${at}.logId`, 'an exercise session needs a logId');
  if (typeof s.startDate !== 'string' || !DATE.test(s.startDate))
    return ctx.skips.bad(`${at}.startDate`, `startDate ${JSON.stringify(s.startDate)} is not yyyy-MM-dd`);
  if (typeof s.startTime !== 'string' || !HHMM.test(s.startTime))
    return ctx.skips.bad(`${at}.startTime`, `startTime ${JSON.stringify(s.startTime)} is not HH:mm`);
  // A session logged without a duration is kept at its start; one logged without a time of day (hasStartTime
  // false: the startTime is a placeholder) is placed on its day.
  const ms = s.duration === undefined ? undefined : reading(s.duration);
  if (ms && (!ms.ok || ms.value < 0))
    return ctx.skips.bad(`${at}.duration`, `duration ${JSON.stringify(s.duration)} is not a number of milliseconds`);
  const duration = ms?.ok ? ms.value : undefined;
  const local = `${s.startDate}T${s.startTime}`;
  let effective: Effective | undefined;
  if (s.hasStartTime === false) effective = localDay(ctx, s.startDate);
  else if (duration === undefined)
    effective = (() => {
      const at = ctx.clock.place(local);
      return at ? { at } : undefined;
    })();
  else {
    const start = ctx.clock.place(local);
    const end = ctx.clock.placePlus(local, duration / 1000);
    effective = start && end ? { start, end } : undefined;
  }
  if (!effective) return unplaced(ctx, `${at}.startTime`, local, `${local} is not a valid time`);
  const name = typeof s.name === 'string' && s.name ? s.name : typeof s.activityParentName === 'string' ? s.activityParentName : 'Exercise';
  const components: ObservationComponent[] = [
    {
      code: { coding: [{ ...WORKOUT_COMPONENTS.activity }] },
      valueCodeableConcept: {
        ...(s.activityId !== undefined ? { coding: [{ system: FITBIT_ACTIVITY_CS, code: idText(s.activityId), display: name }] } : {}),
        text: name,
      },
    },
  ];
  const add = (
    key: string,
    coding: (typeof WORKOUT_COMPONENTS)[keyof typeof WORKOUT_COMPONENTS],
    unit: { unit: string; code: string },
    factor = 1,
  ) => {
    const r = reading(s[key]);
    if (r.ok && r.value > 0) components.push({ code: { coding: [{ ...coding }] }, valueQuantity: quantity(r.value * factor, unit) });
  };
  add('calories', WORKOUT_COMPONENTS.energy, { unit: 'kcal', code: 'kcal' });
  // Distance follows the request's Accept-Language like weight: miles where weight comes in pounds (en_US), else km.
  add('distance', WORKOUT_COMPONENTS.distance, { unit: 'km', code: 'km' }, ctx.opts.weightUnit === 'lb' ? 1.609344 : 1);
  add('steps', WORKOUT_COMPONENTS.steps, { unit: 'steps', code: '{steps}' });
  ctx.out.push(
    buildObservation({
      kind: 'workout',
      id: `fitbit:activity:${idText(s.logId)}`,
      patientReference: ctx.opts.patientReference,
      effective,
      value: duration === undefined ? undefined : duration / 60_000,
      components,
      device: ctx.device,
    }),
  );
}
