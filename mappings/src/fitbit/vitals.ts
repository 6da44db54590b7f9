// Fitbit HRV (daily RMSSD and per-minute), SpO2 (daily summary and per-minute) and weight logs.
// https://dev.fitbit.com/build/reference/web-api/heartrate-variability/ , .../spo2/ , .../body/get-weight-log/
import type { ObservationComponent } from 'fhir/r4.js';
import { EXTRA_COMPONENTS } from '../codes.js';
import { buildObservation, quantity } from '../observation.js';
import { positive, reading } from '../skips.js';
import { DATE, TIME, dateOf, idText, isObj, localDay, unplaced, type FitbitContext, type Json } from './context.js';

const LOCAL_MINUTE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/;
const TO_KG = { kg: 1, lb: 0.45359237, stone: 6.35029318 } as const;

const PERCENT = { unit: '%', code: '%' };

/** What the source measured beside the main value (SpO2 min and max), as components; zero and blank omitted. */
function extra(
  value: Json,
  fields: Record<string, [keyof typeof EXTRA_COMPONENTS, { unit: string; code: string }]>,
): ObservationComponent[] {
  const out: ObservationComponent[] = [];
  for (const [key, [code, unit]] of Object.entries(fields)) {
    const r = reading(value[key]);
    if (r.ok && r.value > 0) out.push({ code: { coding: [EXTRA_COMPONENTS[code]] }, valueQuantity: quantity(r.value, unit) });
  }
  return out;
}

/** `minute` of a per-minute entry placed on the time line, or undefined after recording the bad input. */
function minuteOf(ctx: FitbitContext, at: string, v: unknown): string | undefined {
  const when = typeof v === 'string' && LOCAL_MINUTE.test(v) ? ctx.clock.place(v) : undefined;
  if (!when) unplaced(ctx, at, String(v), `minute ${JSON.stringify(v)} is not a local date-time`);
  return when;
}

export function mapHrv(json: Json, ctx: FitbitContext): void {
  const days = json.hrv;
  if (!Array.isArray(days)) return ctx.skips.bad('hrv', 'hrv is not an array');
  days.forEach((day: unknown, i: number) => {
    const at = `hrv[${i}]`;
    if (!isObj(day)) return ctx.skips.bad(at, 'not an object');
    const date = dateOf(ctx, `${at}.dateTime`, day.dateTime);
    if (!date) return;
    if (Array.isArray(day.minutes)) {
      return day.minutes.forEach((m: unknown, j: number) => {
        const here = `${at}.minutes[${j}]`;
        if (!isObj(m) || !isObj(m.value)) return ctx.skips.bad(here, 'a minute needs value.rmssd');
        const value = positive(ctx.skips, `${here}.value.rmssd`, m.value.rmssd, 'RMSSD');
        const when = value === undefined ? undefined : minuteOf(ctx, `${here}.minute`, m.minute);
        if (value === undefined || !when) return;
        ctx.out.push(
          buildObservation({
            kind: 'hrv-rmssd',
            id: `fitbit:hrv:${idText(m.minute)}`,
            patientReference: ctx.opts.patientReference,
            effective: { at: when },
            value,
            device: ctx.device,
          }),
        );
      });
    }
    if (!isObj(day.value)) return ctx.skips.bad(`${at}.value`, 'a daily HRV entry needs value.dailyRmssd');
    const value = positive(ctx.skips, `${at}.value.dailyRmssd`, day.value.dailyRmssd, 'RMSSD');
    const period = localDay(ctx, date);
    if (value === undefined || !period) return;
    ctx.out.push(
      buildObservation({
        kind: 'hrv-rmssd',
        id: `fitbit:hrv:${date}`,
        patientReference: ctx.opts.patientReference,
        // deepRmssd is not kept: a vital-signs component must use a unit of ucum-vitals-common, which has no ms.
        effective: period,
        value,
        device: ctx.device,
      }),
    );
  });
}

/** SpO2 answers with one object for a date, a bare array for an interval; intraday entries carry `minutes`. */
export function mapSpo2(json: unknown, ctx: FitbitContext): void {
  const days = Array.isArray(json) ? json : [json];
  days.forEach((day: unknown, i: number) => {
    const at = Array.isArray(json) ? `[${i}]` : '$';
    if (!isObj(day)) return ctx.skips.bad(at, 'not an object');
    const date = dateOf(ctx, `${at}.dateTime`, day.dateTime);
    if (!date) return;
    if (Array.isArray(day.minutes)) {
      return day.minutes.forEach((m: unknown, j: number) => {
        const here = `${at}.minutes[${j}]`;
        if (!isObj(m)) return ctx.skips.bad(here, 'not an object');
        const value = positive(ctx.skips, `${here}.value`, m.value, 'SpO2');
        if (value === undefined || !percent(ctx, `${here}.value`, value)) return;
        const when = minuteOf(ctx, `${here}.minute`, m.minute);
        if (!when) return;
        ctx.out.push(
          buildObservation({
            kind: 'oxygen-saturation',
            id: `fitbit:spo2:${idText(m.minute)}`,
            patientReference: ctx.opts.patientReference,
            effective: { at: when },
            value,
            device: ctx.device,
          }),
        );
      });
    }
    if (!isObj(day.value)) return ctx.skips.bad(`${at}.value`, 'a daily SpO2 entry needs value.avg');
    const value = positive(ctx.skips, `${at}.value.avg`, day.value.avg, 'SpO2');
    const period = localDay(ctx, date);
    if (value === undefined || !period || !percent(ctx, `${at}.value.avg`, value)) return;
    ctx.out.push(
      buildObservation({
        kind: 'oxygen-saturation',
        id: `fitbit:spo2:${date}`,
        patientReference: ctx.opts.patientReference,
        effective: period,
        value,
        device: ctx.device,
        components: extra(day.value, { min: ['spo2Min', PERCENT], max: ['spo2Max', PERCENT] }),
      }),
    );
  });
}

/** Fitbit SpO2 is a percentage; a value above 100 is not a reading of this. */
function percent(ctx: FitbitContext, at: string, value: number): boolean {
  if (value <= 100) return true;
  ctx.skips.bad(at, `SpO2 ${value} is above 100%`);
  return false;
}

export function mapWeight(json: Json, ctx: FitbitContext): void {
  const logs = json.weight;
  if (!Array.isArray(logs)) return ctx.skips.bad('weight', 'weight is not an array');
  const factor = TO_KG[ctx.opts.weightUnit ?? 'kg'];
  const kept = new Map<string, { index: number; at: string; byScale: boolean }>();
  logs.forEach((log: unknown, i: number) => {
    const at = `weight[${i}]`;
    if (!isObj(log)) return ctx.skips.bad(at, 'not an object');
    if (log.logId === undefined || log.logId === '') return ctx.skips.bad(`${at}.logId`, 'a weight log needs a logId');
    if (typeof log.date !== 'string' || !DATE.test(log.date))
      return ctx.skips.bad(`${at}.date`, `date ${JSON.stringify(log.date)} is not yyyy-MM-dd`);
    const time = typeof log.time === 'string' && TIME.test(log.time) ? log.time : undefined;
    if (log.time !== undefined && !time) return ctx.skips.bad(`${at}.time`, `time ${JSON.stringify(log.time)} is not HH:mm:ss`);
    const value = positive(ctx.skips, `${at}.weight`, log.weight, 'weight');
    if (value === undefined) return;
    const when = time ? ctx.clock.place(`${log.date}T${time}`) : undefined;
    if (time && !when) return unplaced(ctx, `${at}.time`, `${log.date}T${time}`, `time ${time} is not a time of ${log.date}`);
    const effective = when ? { at: when } : localDay(ctx, log.date);
    if (!effective) return ctx.skips.bad(`${at}.date`, 'date is not a valid date');
    // A scale names itself in `source` ("Aria"); "API" and "Web" are entries typed in by hand.
    const source = typeof log.source === 'string' ? log.source : '';
    const byScale = /^aria/i.test(source);
    const device = byScale ? ctx.deviceFor({ manufacturer: 'Fitbit', model: source, name: `Fitbit ${source}` }) : ctx.device;
    const obs = buildObservation({
      kind: 'body-weight',
      id: `fitbit:weight:${idText(log.logId)}`,
      patientReference: ctx.opts.patientReference,
      effective,
      value: value * factor,
      device,
    });
    // Two logs sharing a logId would be one Observation: a scale's reading wins over one entered by hand (API,
    // Web), else the first in the file; the other is reported, never silently lost.
    const logId = idText(log.logId);
    const earlier = kept.get(logId);
    if (!earlier) {
      kept.set(logId, { index: ctx.out.length, at, byScale });
      ctx.out.push(obs);
    } else if (byScale && !earlier.byScale) {
      ctx.skips.drop(earlier.at, `weight log ${logId} repeated at ${at}: the scale's reading there is kept over this one entered by hand`);
      ctx.out[earlier.index] = obs;
      kept.set(logId, { index: earlier.index, at, byScale });
    } else {
      const why = earlier.byScale && !byScale ? "the scale's reading there is kept over this one entered by hand" : 'the first is kept';
      ctx.skips.drop(at, `weight log ${logId} repeated at ${earlier.at}: ${why}`);
    }
  });
}
