// Fitbit steps: the daily time series and the intraday series (steps per minute or per 15 minutes).
// https://dev.fitbit.com/build/reference/web-api/activity-timeseries/ and .../intraday/get-activity-intraday-by-date/
import { buildObservation } from '../observation.js';
import { positive } from '../skips.js';
import { TIME, dateOf, idText, isObj, localDay, unplaced, type FitbitContext, type Json } from './context.js';

const UNIT_SECONDS: Record<string, number> = { second: 1, minute: 60 };

export function mapSteps(json: Json, ctx: FitbitContext): void {
  const days = json['activities-steps'];
  if (!Array.isArray(days)) return ctx.skips.bad('activities-steps', 'activities-steps is not an array');
  days.forEach((day: unknown, i: number) => {
    const at = `activities-steps[${i}]`;
    if (!isObj(day)) return ctx.skips.bad(at, 'not an object');
    const date = dateOf(ctx, `${at}.dateTime`, day.dateTime);
    if (!date) return;
    const value = positive(ctx.skips, `${at}.value`, day.value, 'step count');
    const period = localDay(ctx, date);
    if (value === undefined || !period) return;
    ctx.out.push(
      buildObservation({
        kind: 'daily-steps',
        id: `fitbit:daily-steps:${date}`,
        patientReference: ctx.opts.patientReference,
        effective: period,
        value,
        device: ctx.device,
      }),
    );
  });
  if (json['activities-steps-intraday'] !== undefined) mapIntraday(json, days, ctx);
}

function mapIntraday(json: Json, days: unknown[], ctx: FitbitContext): void {
  const intraday = json['activities-steps-intraday'];
  if (!isObj(intraday) || !Array.isArray(intraday.dataset)) {
    return ctx.skips.bad('activities-steps-intraday', 'activities-steps-intraday.dataset is not an array');
  }
  const first = days[0];
  const date = isObj(first) ? dateOf(ctx, 'activities-steps[0].dateTime', first.dateTime) : undefined;
  if (!date) {
    if (isObj(first)) return;
    return ctx.skips.bad('activities-steps', 'an intraday series needs activities-steps[0].dateTime for its date');
  }
  const unit = UNIT_SECONDS[idText(intraday.datasetType ?? 'minute')];
  const count = intraday.datasetInterval ?? 1;
  if (!unit || typeof count !== 'number' || !(count > 0)) {
    return ctx.skips.bad(
      'activities-steps-intraday',
      `datasetInterval ${JSON.stringify(count)} ${JSON.stringify(intraday.datasetType)} is not a known interval`,
    );
  }
  const series = ctx.clock.series();
  intraday.dataset.forEach((point: unknown, i: number) => {
    const at = `activities-steps-intraday.dataset[${i}]`;
    if (!isObj(point)) return ctx.skips.bad(at, 'not an object');
    if (typeof point.time !== 'string' || !TIME.test(point.time)) {
      return ctx.skips.bad(`${at}.time`, `time ${JSON.stringify(point.time)} is not HH:mm:ss`);
    }
    const value = positive(ctx.skips, `${at}.value`, point.value, 'step count');
    if (value === undefined) return;
    const placed = series.place(`${date}T${point.time}`, unit * count);
    if (!placed) return unplaced(ctx, `${at}.time`, `${date}T${point.time}`, `time ${point.time} is not a time of ${date}`);
    // The second pass through a repeated hour is told apart by its offset.
    ctx.out.push(
      buildObservation({
        kind: 'steps',
        id: `fitbit:steps:${date}T${point.time}${placed.repeat ? placed.at.slice(-6) : ''}`,
        patientReference: ctx.opts.patientReference,
        effective: { start: placed.at, end: placed.end },
        value,
        device: ctx.device,
      }),
    );
  });
}
