// A patient's values of one LOINC code over a time window, read inside the write's transaction with the search
// engine (it sees the written Observation), for the computed topics' conditions (trend-conditions.ts).
import type { Observation, Resource } from 'fhir/r4.js';
import type { Definitions } from '../../definitions/r4-definitions.js';
import { parseSearch } from '../../search/parse-search.js';
import type { FhirRepository } from '../../store/repository.js';

export const DAY_MS = 86_400_000;
/** Values read per window at most: far more than a patient records in 28 days (a daily value, a few scores a day). */
export const MAX_SERIES = 1000;

export interface Point {
  id: string;
  /** The effective time, ms since the epoch. */
  time: number;
  value: number;
}

/** An Observation as a point: its effective time (dateTime, instant or period start) and its valueQuantity. */
export function pointOf(obs: Observation): Point | undefined {
  const when = obs.effectiveDateTime ?? obs.effectiveInstant ?? obs.effectivePeriod?.start;
  const time = when ? Date.parse(when) : NaN;
  const value = obs.valueQuantity?.value;
  if (!obs.id || Number.isNaN(time) || typeof value !== 'number') return undefined;
  return { id: obs.id, time, value };
}

/** Points of `patient` (its reference) for `code` (`system|code`) with fromMs <= time <= toMs, the written one included. */
export async function seriesOf(
  tx: FhirRepository,
  defs: Definitions,
  patient: string,
  code: string,
  fromMs: number,
  toMs: number,
  written: Point,
): Promise<Point[]> {
  const params = new URLSearchParams({ subject: patient, code });
  params.append('date', `ge${new Date(fromMs).toISOString()}`);
  params.append('date', `le${new Date(toMs).toISOString()}`);
  const request = parseSearch('Observation', params, defs);
  Object.assign(request, { count: MAX_SERIES, total: 'none', include: [], revinclude: [], sort: [] });
  const page = await tx.search(request);
  const points = page.items
    .map((r: Resource) => (r.resourceType === 'Observation' ? pointOf(r as Observation) : undefined))
    .filter((p): p is Point => p !== undefined && p.id !== written.id && p.time >= fromMs && p.time <= toMs);
  return [...points, written];
}

export const mean = (points: readonly Point[]) => points.reduce((sum, p) => sum + p.value, 0) / points.length;

/** The sample standard deviation (n - 1). */
export function standardDeviation(points: readonly Point[]): number {
  const m = mean(points);
  return Math.sqrt(points.reduce((sum, p) => sum + (p.value - m) ** 2, 0) / (points.length - 1));
}
