// Fitbit heart rate: daily resting heart rate (current shape), the mean over the period (older shape) and the intraday series.
// https://dev.fitbit.com/build/reference/web-api/heartrate-timeseries/
import { buildObservation } from '../observation.js';
import { positive } from '../skips.js';
import { TIME, dateOf, isObj, localDay, unplaced, type FitbitContext, type Json } from './context.js';

export function mapHeart(json: Json, ctx: FitbitContext): void {
  const days = json['activities-heart'];
  if (!Array.isArray(days)) return ctx.skips.bad('activities-heart', 'activities-heart is not an array');
  days.forEach((day, i) => mapRestingDay(day, `activities-heart[${i}]`, ctx, json));
  if (json['activities-heart-intraday'] !== undefined) mapIntraday(json, ctx);
}

function mapRestingDay(day: unknown, at: string, ctx: FitbitContext, json: Json): void {
  if (!isObj(day)) return ctx.skips.bad(at, 'not an object');
  const date = dateOf(ctx, `${at}.dateTime`, day.dateTime);
  if (!date) return;
  // Older shape: zones at the top level and `value` a string ("64.2"). That is no resting heart rate (Fitbit
  // reports those as whole numbers): it is the mean of the heart rate over the period asked for (the mean of the
  // intraday points of the same response), so it is stored as a heart rate over that period.
  if (!isObj(day.value)) return mapMeanOfDay(day, at, date, ctx, json);
  // Current shape: value.restingHeartRate (absent on days without enough data).
  const value = positive(ctx.skips, `${at}.value.restingHeartRate`, day.value.restingHeartRate, 'resting heart rate');
  const period = localDay(ctx, date);
  if (value === undefined || !period) return;
  ctx.out.push(
    buildObservation({
      kind: 'resting-heart-rate',
      id: `fitbit:resting-heart:${date}`,
      patientReference: ctx.opts.patientReference,
      effective: period,
      value,
      device: ctx.device,
    }),
  );
}

function mapMeanOfDay(day: Json, at: string, date: string, ctx: FitbitContext, json: Json): void {
  const value = positive(ctx.skips, `${at}.value`, day.value, 'mean heart rate');
  if (value === undefined) return;
  // The period: that of the intraday points when the response has them (a time window may have been asked for),
  // else the whole local day.
  const intraday = json['activities-heart-intraday'];
  const times =
    isObj(intraday) && Array.isArray(intraday.dataset)
      ? intraday.dataset
          .map((p: unknown) => (isObj(p) && typeof p.time === 'string' && TIME.test(p.time) ? p.time : undefined))
          .filter((t): t is string => !!t && !ctx.clock.nonexistent(`${date}T${t}`))
          .sort()
      : [];
  const period = times.length
    ? { start: ctx.clock.place(`${date}T${times[0]}`), end: ctx.clock.place(`${date}T${times[times.length - 1]}`) }
    : localDay(ctx, date);
  if (!period?.start || !period.end) return ctx.skips.bad(`${at}.dateTime`, `${date} has no place on the time line`);
  ctx.out.push(
    buildObservation({
      kind: 'heart-rate',
      id: `fitbit:heart-mean:${date}`,
      patientReference: ctx.opts.patientReference,
      effective: { start: period.start, end: period.end },
      value,
      device: ctx.device,
      note: 'Mean heart rate over the period',
    }),
  );
}

function mapIntraday(json: Json, ctx: FitbitContext): void {
  const intraday = json['activities-heart-intraday'];
  const days = json['activities-heart'] as unknown[];
  const first = days[0];
  if (!isObj(intraday) || !Array.isArray(intraday.dataset)) {
    return ctx.skips.bad('activities-heart-intraday', 'activities-heart-intraday.dataset is not an array');
  }
  // The intraday series carries times only; its date is that of the (single) day requested.
  const date = isObj(first) ? dateOf(ctx, 'activities-heart[0].dateTime', first.dateTime) : undefined;
  if (!date) {
    if (isObj(first)) return;
    return ctx.skips.bad('activities-heart', 'an intraday series needs activities-heart[0].dateTime for its date');
  }
  const series = ctx.clock.series();
  intraday.dataset.forEach((point: unknown, i: number) => {
    const at = `activities-heart-intraday.dataset[${i}]`;
    if (!isObj(point)) return ctx.skips.bad(at, 'not an object');
    if (typeof point.time !== 'string' || !TIME.test(point.time)) {
      return ctx.skips.bad(`${at}.time`, `time ${JSON.stringify(point.time)} is not HH:mm:ss`);
    }
    const value = positive(ctx.skips, `${at}.value`, point.value, 'heart rate');
    // A gap is dropped before its time is placed: placing is most of a point's cost, and most points can be gaps.
    if (value === undefined) return;
    const when = series.place(`${date}T${point.time}`);
    if (!when) return unplaced(ctx, `${at}.time`, `${date}T${point.time}`, `time ${point.time} is not a time of ${date}`);
    // The second pass through a repeated hour is told apart by its offset.
    ctx.out.push(
      buildObservation({
        kind: 'heart-rate',
        id: `fitbit:heart:${date}T${point.time}${when.repeat ? when.at.slice(-6) : ''}`,
        patientReference: ctx.opts.patientReference,
        effective: { at: when.at },
        value,
        device: ctx.device,
      }),
    );
  });
}
