// mapFitbit: any supported Fitbit Web API response, its kind told from its keys, to Observations and Devices.
import type { Device } from 'fhir/r4.js';
import { DeviceSet, deviceReference } from '../device.js';
import { localClock } from '../local-time.js';
import { keepFirstOfEachId } from '../repeated-ids.js';
import { Skips } from '../skips.js';
import { MappingError, type MappedBatch, type MappingOptions } from '../types.js';
import { fitbitDevice, isObj, type FitbitContext } from './context.js';
import { mapActivitySummary } from './activity.js';
import { mapBreathing } from './breathing.js';
import { mapHeart } from './heart.js';
import { mapSleep } from './sleep.js';
import { mapSteps } from './steps.js';
import { mapHrv, mapSpo2, mapWeight } from './vitals.js';

const isSpo2 = (v: unknown): boolean => isObj(v) && typeof v.dateTime === 'string' && (isObj(v.value) || Array.isArray(v.minutes));

export function mapFitbit(json: unknown, opts: MappingOptions): MappedBatch {
  const skips = new Skips(opts);
  const devices = new DeviceSet();
  const out: FitbitContext['out'] = [];
  const device = devices.add(fitbitDevice(opts.device));
  const clock = localClock(opts, 'Fitbit');
  const ctx: FitbitContext = { opts, clock, skips, device, out, deviceFor: (info) => devices.add(fitbitDevice(info)) };

  if (Array.isArray(json) && json.every(isSpo2)) mapSpo2(json, ctx);
  else if (isSpo2(json)) mapSpo2(json, ctx);
  else if (!isObj(json)) throw new MappingError('not a Fitbit Web API response (expected a JSON object)', opts.fileName);
  else {
    let known = false;
    const when = (key: string, map: () => void) => {
      if (json[key] === undefined) return;
      known = true;
      map();
    };
    when('activities-heart', () => mapHeart(json, ctx));
    when('activities-steps', () => mapSteps(json, ctx));
    when('sleep', () => mapSleep(json, ctx));
    when('hrv', () => mapHrv(json, ctx));
    when('weight', () => mapWeight(json, ctx));
    when('br', () => mapBreathing(json, ctx));
    // The daily activity summary: `summary` with `activities` (sessions) and `goals`; a sleep response has a
    // `summary` too, mapped with its logs.
    if (json.sleep === undefined && (json.summary !== undefined || Array.isArray(json.activities))) {
      known = true;
      mapActivitySummary(json, ctx);
    }
    if (!known) {
      const keys = Object.keys(json).slice(0, 5).join(', ') || 'none';
      throw new MappingError(
        `not a supported Fitbit response (keys: ${keys}); supported: heart rate, steps, daily activity summary, sleep v1.2, HRV, SpO2, breathing rate, weight`,
        opts.fileName,
      );
    }
  }
  const observations = keepFirstOfEachId(out, skips);
  // Only the devices some Observation points at.
  const used = new Set(observations.map((o) => o.device?.reference));
  const usedDevices: Device[] = devices.takeNew().filter((d) => used.has(deviceReference(d).reference));
  return { observations, devices: usedDevices, skipped: skips.list };
}
