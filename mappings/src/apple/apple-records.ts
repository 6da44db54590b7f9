// One Apple Health Record or Workout to an Observation (or a reason it is not one). Identifiers hash type,
// source, start and end instants and value, so re-exports (even from a phone in another zone) map the same.
import { hash } from 'node:crypto';
import type { Device, Observation, ObservationComponent } from 'fhir/r4.js';
import { HK_WORKOUT_TYPE_CS, WORKOUT_COMPONENTS, type MeasureKind, type SleepStage } from '../codes.js';
import { buildObservation, quantity } from '../observation.js';
import { reading } from '../skips.js';
import { parseAppleDate, showAppleDate } from './apple-dates.js';
import type { AppleDevices } from './apple-devices.js';

export interface AppleRecord {
  name: 'Record' | 'Workout';
  attrs: Record<string, string>;
  line: number;
  /** MetadataEntry values kept: HKTimeZone and HKDeviceManufacturerName. */
  tz?: string;
  manufacturer?: string;
  /** Workout: kcal from a WorkoutStatistics child (iOS 16 moved totals there). */
  energy?: number;
}

/** What became of a record: an Observation (with the group it is de-duplicated in), dropped, or bad input. */
export type Outcome =
  | {
      obs: Observation;
      device: Device;
      group?: 'watch-steps' | 'other-steps' | 'sleep-stages' | 'generic-asleep';
      start: number;
      end: number;
    }
  | { drop: string }
  | { bad: string };

const QUANTITY: Record<string, { kind: MeasureKind; units: Record<string, number> }> = {
  HKQuantityTypeIdentifierHeartRate: { kind: 'heart-rate', units: { 'count/min': 1 } },
  HKQuantityTypeIdentifierRestingHeartRate: { kind: 'resting-heart-rate', units: { 'count/min': 1 } },
  HKQuantityTypeIdentifierHeartRateVariabilitySDNN: { kind: 'hrv-sdnn', units: { ms: 1 } },
  // HealthKit keeps percentages as fractions (0.97).
  HKQuantityTypeIdentifierOxygenSaturation: { kind: 'oxygen-saturation', units: { '%': 100 } },
  HKQuantityTypeIdentifierStepCount: { kind: 'steps', units: { count: 1 } },
  HKQuantityTypeIdentifierBodyMass: { kind: 'body-weight', units: { kg: 1, g: 0.001, lb: 0.45359237, st: 6.35029318 } },
};

const SLEEP: Record<string, SleepStage> = {
  HKCategoryValueSleepAnalysisInBed: 'in-bed',
  HKCategoryValueSleepAnalysisAsleep: 'asleep',
  HKCategoryValueSleepAnalysisAsleepUnspecified: 'asleep',
  HKCategoryValueSleepAnalysisAwake: 'awake',
  HKCategoryValueSleepAnalysisAsleepCore: 'light',
  HKCategoryValueSleepAnalysisAsleepDeep: 'deep',
  HKCategoryValueSleepAnalysisAsleepREM: 'rem',
};
const SLEEP_TYPE = 'HKCategoryTypeIdentifierSleepAnalysis';
const TIME_UNITS: Record<string, number> = { min: 1, s: 1 / 60, sec: 1 / 60, hr: 60, h: 60 };
const ENERGY_UNITS: Record<string, number> = { kcal: 1, Cal: 1, kJ: 1 / 4.184 };
const DISTANCE_UNITS: Record<string, number> = { km: 1, m: 0.001, mi: 1.609344, yd: 0.0009144, ft: 0.0003048 };

export const isMappedType = (name: string, type: string): boolean => name === 'Workout' || type in QUANTITY || type === SLEEP_TYPE;

const hashId = (type: string, parts: string): string => `apple:${type}:${hash('sha1', `${type}|${parts}`, 'base64url').slice(0, 22)}`;

export function mapAppleRecord(rec: AppleRecord, patientReference: string, devices: AppleDevices): Outcome {
  const a = rec.attrs;
  const workoutRec = rec.name === 'Workout';
  const type = workoutRec ? a.workoutActivityType : a.type;
  if (!type) return { bad: `<${rec.name}> needs a ${workoutRec ? 'workoutActivityType' : 'type'}` };
  if (!a.sourceName) return { bad: `<${rec.name}> needs a sourceName` };
  if (!a.startDate) return { bad: `<${rec.name}> needs a startDate` };
  if (!a.endDate) return { bad: `<${rec.name}> needs an endDate` };
  const start = parseAppleDate(a.startDate);
  const end = a.endDate === a.startDate ? start : parseAppleDate(a.endDate);
  if (!start) return { bad: `startDate ${JSON.stringify(a.startDate)} is not yyyy-MM-dd HH:mm:ss ±HHMM` };
  if (!end) return { bad: `endDate ${JSON.stringify(a.endDate)} is not yyyy-MM-dd HH:mm:ss ±HHMM` };
  if (end.ms < start.ms) return { bad: `endDate ${a.endDate} is before startDate ${a.startDate}` };
  const startAt = showAppleDate(a.startDate, start, rec.tz);
  const period = { start: startAt, end: end === start ? startAt : showAppleDate(a.endDate, end, rec.tz) };
  const { device, isWatch } = devices.of(a.device, a.sourceName, rec.manufacturer);
  const ids = `${a.sourceName}|${start.ms}|${end.ms}`;
  if (workoutRec) {
    return {
      obs: workout(rec, type, hashId('Workout', `${type}|${ids}`), period, patientReference, device),
      device,
      start: start.ms,
      end: end.ms,
    };
  }
  if (type === SLEEP_TYPE) {
    const stage = SLEEP[a.value ?? ''];
    if (!stage)
      return a.value ? { bad: `unknown sleep analysis value ${JSON.stringify(a.value)}` } : { drop: 'blank sleep analysis value' };
    if (end.ms === start.ms) return { drop: 'a sleep record of no duration' };
    const obs = buildObservation({
      kind: 'sleep-stage',
      id: hashId(SLEEP_TYPE, `${ids}|${a.value}`),
      patientReference,
      effective: period,
      stage,
      device,
    });
    const group =
      stage === 'asleep' ? 'generic-asleep' : stage === 'light' || stage === 'deep' || stage === 'rem' ? 'sleep-stages' : undefined;
    return { obs, device, group, start: start.ms, end: end.ms };
  }
  const q = QUANTITY[type];
  const r = reading(a.value);
  if (!r.ok) return r.blank ? { drop: `blank ${type} value` } : { bad: `value ${JSON.stringify(a.value)} is not a number` };
  if (r.value === 0) return { drop: `zero ${type} value (a gap, not a reading)` };
  if (r.value < 0) return { bad: `value ${r.value} is negative` };
  const factor = q.units[a.unit ?? ''];
  if (factor === undefined) return { bad: `unit ${JSON.stringify(a.unit)} is not one of ${Object.keys(q.units).join(', ')} for ${type}` };
  if (q.kind === 'oxygen-saturation' && r.value > 1) return { bad: `SpO2 ${r.value} is above 1 (HealthKit writes fractions)` };
  // Heart rate and SpO2 samples are instants (start = end); steps and daily resting heart rate span intervals.
  const effective = start.ms === end.ms && q.kind !== 'steps' ? { at: period.start } : period;
  const obs = buildObservation({
    kind: q.kind,
    id: hashId(type, `${ids}|${a.value}${a.unit}`),
    patientReference,
    effective,
    value: r.value * factor,
    device,
  });
  const group = q.kind === 'steps' ? (isWatch ? 'watch-steps' : 'other-steps') : undefined;
  return { obs, device, group, start: start.ms, end: end.ms };
}

function workout(
  rec: AppleRecord,
  type: string,
  id: string,
  period: { start: string; end: string },
  patientReference: string,
  device: Device,
): Observation {
  const a = rec.attrs;
  const duration = reading(a.duration);
  const minutes = duration.ok
    ? duration.value * (TIME_UNITS[a.durationUnit ?? 'min'] ?? 1)
    : (Date.parse(period.end) - Date.parse(period.start)) / 60_000;
  const activity = type.replace(/^HKWorkoutActivityType/, '');
  const components: ObservationComponent[] = [
    {
      code: { coding: [{ ...WORKOUT_COMPONENTS.activity }] },
      valueCodeableConcept: { coding: [{ system: HK_WORKOUT_TYPE_CS, code: type, display: activity }], text: activity },
    },
  ];
  const energy = reading(a.totalEnergyBurned);
  const kcal = rec.energy ?? (energy.ok ? energy.value * (ENERGY_UNITS[a.totalEnergyBurnedUnit ?? 'kcal'] ?? 1) : undefined);
  if (kcal !== undefined && kcal > 0) {
    components.push({
      code: { coding: [{ ...WORKOUT_COMPONENTS.energy }] },
      valueQuantity: quantity(kcal, { unit: 'kcal', code: 'kcal' }),
    });
  }
  const distance = reading(a.totalDistance);
  const km = distance.ok ? distance.value * (DISTANCE_UNITS[a.totalDistanceUnit ?? 'km'] ?? NaN) : NaN;
  if (km > 0)
    components.push({ code: { coding: [{ ...WORKOUT_COMPONENTS.distance }] }, valueQuantity: quantity(km, { unit: 'km', code: 'km' }) });
  return buildObservation({ kind: 'workout', id, patientReference, effective: period, value: minutes, components, device });
}
