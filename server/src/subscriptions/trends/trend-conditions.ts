// The conditions of the computed topics, checked on write in the outbox transaction after a Subscription's query
// matched (outbox.ts): what a search cannot say, because it compares the written value with the patient's others.
// Keyed by topic canonical URL (profiles/input/fsh/subscription-topics.fsh describes each).
// https://hl7.org/fhir/uv/subscriptions-backport/STU1.1/components.html#subscription-topics
import type { Observation, Resource } from 'fhir/r4.js';
import type { Definitions } from '../../definitions/r4-definitions.js';
import type { FhirRepository } from '../../store/repository.js';
import { DAY_MS, mean, pointOf, seriesOf, standardDeviation, type Point } from './observation-series.js';

export type TrendCondition = (tx: FhirRepository, resource: Resource) => Promise<boolean>;

const TOPICS = 'https://fhir.fibrotrack.org/SubscriptionTopic';
export const PAIN_RISING = `${TOPICS}/pain-rising`;
export const WEARABLE_ANOMALY = `${TOPICS}/wearable-anomaly`;
const PAIN = 'http://loinc.org|72514-3';
const RESTING_HEART_RATE = 'http://loinc.org|40443-4';

/** pain-rising: the mean of the last 7 days up by at least this over the mean of the 7 days before. */
export const RISE_POINTS = 2;
/** wearable-anomaly: the usual range is mean +- this many standard deviations of the previous 28 days... */
export const ANOMALY_SDS = 2;
/** ...given at least this many values in them; and a standard deviation of at least 1 beat/min. */
export const MIN_BASELINE = 14;
const MIN_SD = 1;

export function trendConditions(defs: Definitions): ReadonlyMap<string, TrendCondition> {
  return new Map<string, TrendCondition>([
    [PAIN_RISING, (tx, r) => withPoint(r, (p, patient) => painRising(tx, defs, patient, p))],
    [WEARABLE_ANOMALY, (tx, r) => withPoint(r, (p, patient) => restingHeartRateAnomaly(tx, defs, patient, p))],
  ]);
}

async function withPoint(r: Resource, check: (p: Point, patient: string) => Promise<boolean>): Promise<boolean> {
  const obs = r as Observation;
  const point = r.resourceType === 'Observation' ? pointOf(obs) : undefined;
  const patient = obs.subject?.reference;
  return point !== undefined && patient !== undefined && check(point, patient);
}

/**
 * A pain score written at time t: the scores in (t - 7 d, t] average at least RISE_POINTS more than those in
 * (t - 14 d, t - 7 d] (each window holding at least one), and did not without this score: one alert when the
 * rise begins, not one for every score while it lasts.
 */
async function painRising(tx: FhirRepository, defs: Definitions, patient: string, written: Point): Promise<boolean> {
  const t = written.time;
  const points = await seriesOf(tx, defs, patient, PAIN, t - 14 * DAY_MS + 1, t, written);
  const rising = (ps: Point[]) => {
    const recent = ps.filter((p) => p.time > t - 7 * DAY_MS);
    const before = ps.filter((p) => p.time <= t - 7 * DAY_MS);
    return recent.length > 0 && before.length > 0 && mean(recent) - mean(before) >= RISE_POINTS;
  };
  return rising(points) && !rising(points.filter((p) => p.id !== written.id));
}

/**
 * A resting heart rate written at time t lies outside the patient's usual range: more than ANOMALY_SDS sample
 * standard deviations (at least 1/min) from the mean of their resting heart rates in [t - 28 d, t), when there
 * are at least MIN_BASELINE of them (fewer: no usual range yet, no alert).
 */
async function restingHeartRateAnomaly(tx: FhirRepository, defs: Definitions, patient: string, written: Point): Promise<boolean> {
  const t = written.time;
  const baseline = (await seriesOf(tx, defs, patient, RESTING_HEART_RATE, t - 28 * DAY_MS, t, written)).filter((p) => p.time < t);
  if (baseline.length < MIN_BASELINE) return false;
  return Math.abs(written.value - mean(baseline)) > ANOMALY_SDS * Math.max(standardDeviation(baseline), MIN_SD);
}
