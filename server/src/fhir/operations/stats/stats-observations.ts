// The `statistics` out-parameter of Observation/$stats: one Observation per code and unit (and per day with
// bucket=day), status final, the subject and effectivePeriod asked, one component per statistic whose code is the
// statistic. https://hl7.org/fhir/R4/observation-operation-stats.html
import type { Observation, ObservationComponent, Quantity } from 'fhir/r4.js';
import { percentileStatistic, STATISTICS, STATISTICS_SYSTEM, type Statistic } from '../../../fhir-values/observation-statistics.js';
import type { StatsGroup } from '../../../store/repository.js';
import type { StatsParams } from './stats-params.js';

const DATA_ABSENT = 'http://terminology.hl7.org/CodeSystem/data-absent-reason';

function valueOf(g: StatsGroup, stat: Statistic): number | undefined {
  switch (stat) {
    case 'count':
      return g.count;
    case 'total-count':
      return g.totalCount ?? g.count;
    case 'average':
      return g.average;
    case 'maximum':
      return g.maximum;
    case 'minimum':
      return g.minimum;
    case 'sum':
      return g.sum;
    case 'std-dev':
      return g.stdDev;
    case 'variance':
      return g.variance;
    default:
      return percentileStatistic(stat, g.percentiles);
  }
}

function quantity(g: StatsGroup, value: number, withUnit: boolean): Quantity {
  if (!withUnit || g.unit === null) return { value };
  return g.unitSystem === null ? { value, unit: g.unit } : { value, unit: g.unit, system: g.unitSystem, code: g.unit };
}

/** Counts are integers; variance is in the unit squared, so it carries none; a statistic with no value says why. */
function component(g: StatsGroup, stat: Statistic): ObservationComponent {
  const code = { coding: [{ system: STATISTICS_SYSTEM, code: stat, display: STATISTICS[stat] }] };
  const value = valueOf(g, stat);
  if (stat === 'count' || stat === 'total-count') return { code, valueInteger: value ?? 0 };
  if (value === undefined) {
    // No values at all, or one value for a sample deviation.
    return { code, dataAbsentReason: { coding: [{ system: DATA_ABSENT, code: g.count === 0 ? 'not-performed' : 'not-applicable' }] } };
  }
  return { code, valueQuantity: quantity(g, value, stat !== 'variance') };
}

function effectivePeriod(g: StatsGroup, params: StatsParams): Observation['effectivePeriod'] {
  if (g.day) return { start: `${g.day}T00:00:00Z`, end: `${g.day}T23:59:59.999Z` };
  if (params.period) return params.period;
  return g.first && g.last ? { start: g.first.toISOString(), end: g.last.toISOString() } : undefined;
}

export function statisticsObservation(g: StatsGroup, params: StatsParams): Observation {
  const period = effectivePeriod(g, params);
  return {
    resourceType: 'Observation',
    status: 'final',
    code: { coding: [{ ...(g.system === null ? {} : { system: g.system }), code: g.code }] },
    subject: { reference: params.subject },
    ...(period ? { effectivePeriod: period } : {}),
    component: params.statistics.map((s) => component(g, s)),
  };
}

/** A group of no values for an asked code nothing matched, so that each code is answered (statistics is 1..*). */
export function emptyGroup(code: { system?: string; code: string }): StatsGroup {
  return { system: code.system ?? null, code: code.code, unitSystem: null, unit: null, count: 0, totalCount: 0, percentiles: new Map() };
}
