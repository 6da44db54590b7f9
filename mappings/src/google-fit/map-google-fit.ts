// mapGoogleFit: Google Fit datasets and aggregate buckets (heart rate points and summaries, step deltas, sleep and
// activity segments) to Observations and Devices. https://developers.google.com/fit/rest/v1/reference/users/dataset/aggregate
import type { Device, Observation } from 'fhir/r4.js';
import type { SleepStage } from '../codes.js';
import { DeviceSet, buildDevice, deviceReference } from '../device.js';
import { instantClock } from '../local-time.js';
import { buildObservation } from '../observation.js';
import { keepFirstOfEachId } from '../repeated-ids.js';
import { Skips, positive } from '../skips.js';
import { MappingError, type MappedBatch, type MappingOptions } from '../types.js';

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** com.google.activity.segment activity types that are sleep (https://developers.google.com/fit/rest/v1/reference/activity-types). */
const ACTIVITY_SLEEP: Record<number, SleepStage> = { 72: 'asleep', 109: 'light', 110: 'deep', 111: 'rem', 112: 'awake' };
/** com.google.sleep.segment types (3 = out of bed is not a sleep stage). */
const SLEEP_SEGMENT: Record<number, SleepStage> = { 1: 'awake', 2: 'asleep', 4: 'light', 5: 'deep', 6: 'rem' };
const NANOS = /^\d{1,25}$/;

interface PointList {
  points: unknown[];
  at: string;
  dataSourceId?: string;
}

/** The point lists of a dataset (`point`) or of an aggregate response (`bucket[].dataset[].point`). */
function pointLists(json: Json, skips: Skips): PointList[] {
  if (Array.isArray(json.point)) return [{ points: json.point, at: 'point', dataSourceId: str(json.dataSourceId) }];
  if (!Array.isArray(json.bucket)) return [];
  const lists: PointList[] = [];
  json.bucket.forEach((b: unknown, i: number) => {
    if (!isObj(b) || !Array.isArray(b.dataset)) return skips.bad(`bucket[${i}]`, 'a bucket needs a dataset array');
    b.dataset.forEach((d: unknown, j: number) => {
      const at = `bucket[${i}].dataset[${j}]`;
      if (!isObj(d) || !Array.isArray(d.point)) return skips.bad(at, 'a dataset needs a point array');
      lists.push({ points: d.point, at: `${at}.point`, dataSourceId: str(d.dataSourceId) });
    });
  });
  return lists;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** Data source ids read type:dataType:app[:manufacturer:model:uid][:stream]; the device is named by the last two known. */
function deviceOf(sourceId: string | undefined): Device {
  const parts = (sourceId ?? '').split(':');
  if (parts.length >= 6 && parts[3] && parts[4])
    return buildDevice('google-fit', { manufacturer: parts[3], model: parts[4], name: parts[4] });
  // Without a device, the app wrote the data: its package (com.nike.plusgps) names its maker too, and the
  // wearable-device profile requires a manufacturer.
  const app = parts[2] || 'Google Fit';
  return buildDevice('google-fit', { manufacturer: app === 'Google Fit' ? 'Google' : app, name: app });
}

export function mapGoogleFit(json: unknown, opts: MappingOptions): MappedBatch {
  const skips = new Skips(opts);
  if (!isObj(json) || (!Array.isArray(json.point) && !Array.isArray(json.bucket))) {
    throw new MappingError('not a Google Fit dataset or aggregate response (expected point or bucket)', opts.fileName);
  }
  const clock = instantClock(opts);
  const devices = new DeviceSet();
  const observations: Observation[] = [];
  for (const list of pointLists(json, skips)) {
    list.points.forEach((p: unknown, i: number) => {
      const at = `${list.at}[${i}]`;
      if (!isObj(p)) return skips.bad(at, 'not an object');
      const type = str(p.dataTypeName) ?? list.dataSourceId?.split(':')[1];
      const start = str(p.startTimeNanos);
      const end = str(p.endTimeNanos);
      if (!start || !end || !NANOS.test(start) || !NANOS.test(end))
        return skips.bad(at, 'startTimeNanos and endTimeNanos must be integers (as strings)');
      if (BigInt(end) < BigInt(start)) return skips.bad(`${at}.endTimeNanos`, 'endTimeNanos is before startTimeNanos');
      const value = Array.isArray(p.value) && isObj(p.value[0]) ? p.value[0] : undefined;
      if (!value) return skips.bad(`${at}.value`, 'a point needs value[0]');
      const startAt = clock.instant(Number(BigInt(start) / 1_000_000n));
      const endAt = clock.instant(Number(BigInt(end) / 1_000_000n));
      const device = () => devices.add(deviceOf(str(p.originDataSourceId) ?? list.dataSourceId));
      const base = { patientReference: opts.patientReference, id: `google-fit:${type}:${start}-${end}` };
      if (type === 'com.google.heart_rate.summary') {
        // What aggregating heart rate by time gives: value [average, max, min] over the bucket; the average is kept.
        const bpm = positive(skips, `${at}.value[0].fpVal`, value.fpVal, 'heart rate');
        if (bpm === undefined) return;
        observations.push(
          buildObservation({ ...base, kind: 'heart-rate', effective: { start: startAt, end: endAt }, value: bpm, device: device() }),
        );
      } else if (type === 'com.google.heart_rate.bpm') {
        const bpm = positive(skips, `${at}.value[0].fpVal`, value.fpVal ?? value.intVal, 'heart rate');
        if (bpm === undefined) return;
        const effective = start === end ? { at: startAt } : { start: startAt, end: endAt };
        observations.push(buildObservation({ ...base, kind: 'heart-rate', effective, value: bpm, device: device() }));
      } else if (type === 'com.google.step_count.delta') {
        const steps = positive(skips, `${at}.value[0].intVal`, value.intVal, 'step count');
        if (steps === undefined) return;
        observations.push(
          buildObservation({ ...base, kind: 'steps', effective: { start: startAt, end: endAt }, value: steps, device: device() }),
        );
      } else if (type === 'com.google.activity.segment' || type === 'com.google.sleep.segment') {
        const code = value.intVal;
        if (typeof code !== 'number') return skips.bad(`${at}.value[0].intVal`, 'a segment needs an integer intVal');
        const stage = (type === 'com.google.sleep.segment' ? SLEEP_SEGMENT : ACTIVITY_SLEEP)[code];
        if (!stage) return skips.drop(at, `${type} ${code} is not a sleep stage`);
        if (start === end) return skips.drop(at, 'a sleep segment of no duration');
        observations.push(
          buildObservation({ ...base, kind: 'sleep-stage', effective: { start: startAt, end: endAt }, stage, device: device() }),
        );
      } else {
        skips.drop(at, `data type ${type ?? '(none)'} is not mapped`);
      }
    });
  }
  const kept = keepFirstOfEachId(observations, skips);
  const used = new Set(kept.map((o) => o.device?.reference));
  return { observations: kept, devices: devices.takeNew().filter((d) => used.has(deviceReference(d).reference)), skipped: skips.list };
}
