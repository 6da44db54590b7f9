// Builds the Observations of every source the same way: profile, identifier, category, code, subject, time, value, device.
import type { Device, Observation, ObservationComponent } from 'fhir/r4.js';
import { CATEGORY_CS, MEASURES, RECORD_ID_SYSTEM, UCUM, sleepStageConcept, type MeasureKind, type SleepStage } from './codes.js';
import { deviceReference } from './device.js';

export type Effective = { at: string } | { start: string; end: string };

export interface ObservationInput {
  kind: MeasureKind;
  /** Deterministic identifier value: the same record always gets the same one. */
  id: string;
  patientReference: string;
  effective: Effective;
  value?: number;
  stage?: SleepStage;
  components?: ObservationComponent[];
  device?: Device;
  note?: string;
}

const CATEGORY_DISPLAY = { 'vital-signs': 'Vital Signs', activity: 'Activity' } as const;

const deepFreeze = <T>(v: T): T => {
  if (typeof v === 'object' && v !== null) {
    Object.values(v).forEach(deepFreeze);
    Object.freeze(v);
  }
  return v;
};

/** Category and code of each measure, built once and shared by all its Observations: a large export has millions.
 *  Frozen, so that a consumer editing one Observation's code fails loudly instead of editing them all. */
const SHARED = Object.fromEntries(
  Object.entries(MEASURES).map(([kind, m]) => [
    kind,
    deepFreeze({
      category: [{ coding: [{ system: CATEGORY_CS, code: m.category, display: CATEGORY_DISPLAY[m.category] }] }],
      code: m.code,
    }),
  ]),
) as Record<MeasureKind, { category: Observation['category']; code: Observation['code'] }>;

/** UCUM quantities carry no more than 3 decimals: the sources' float noise (139.3170000000021) is not a reading. */
export const round = (v: number, decimals = 3): number => {
  const f = 10 ** decimals;
  return Math.round(v * f) / f;
};

export function quantity(value: number, unit: { unit: string; code: string }) {
  return { value: round(value), unit: unit.unit, system: UCUM, code: unit.code };
}

export function buildObservation(input: ObservationInput): Observation {
  const m = MEASURES[input.kind];
  const obs: Observation = {
    resourceType: 'Observation',
    ...(m.profile ? { meta: { profile: [m.profile] } } : {}),
    identifier: [{ system: RECORD_ID_SYSTEM, value: input.id }],
    status: 'final',
    category: SHARED[input.kind].category,
    code: SHARED[input.kind].code,
    subject: { reference: input.patientReference },
  };
  if ('at' in input.effective) obs.effectiveDateTime = input.effective.at;
  else obs.effectivePeriod = { start: input.effective.start, end: input.effective.end };
  if (input.stage) obs.valueCodeableConcept = sleepStageConcept(input.stage);
  else if (input.value !== undefined && m.unit) obs.valueQuantity = quantity(input.value, m.unit);
  if (input.note) obs.note = [{ text: input.note }];
  if (input.device) obs.device = deviceReference(input.device);
  if (input.components?.length) obs.component = input.components;
  return obs;
}
