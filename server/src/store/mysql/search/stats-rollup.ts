// Observation/$stats from the daily rollup (migration 34, rollup/observation-rollup.ts): the whole UTC days inside
// the period are read from the rollup rows, the partial days at its edges from the index rows as the raw path reads
// them, and the two are composed per group. Only for statistics that compose (count, sum, average, minimum,
// maximum, std-dev, variance); percentiles and total-count always read the raw values. Only for the plain query
// $stats makes (a Patient subject, a period with both ends, no other criterion): a token's query constraints, or any
// other shape, take the raw path. https://hl7.org/fhir/R4/observation-operation-stats.html
import type { DerivedParams } from '../../../definitions/derived-params.js';
import type { ParamCriterion, SearchRequest } from '../../../search/search-request.js';
import type { StatsGroup, StatsQuery } from '../../repository.js';
import { sql, type Sql } from '../../sql.js';
import { codeIn } from './stats-sql.js';

const OBSERVATION = 'Observation';
/** The parameters whose rows the rollup and the raw path both read: a redefinition of any of them means raw. */
const READ_PARAMS = ['subject', 'date', 'code', 'code-value-quantity', 'component-code-value-quantity'];

export interface RollupPlan {
  patient: string;
  from: string;
  to: string;
  /** The search of the partial day before `from` and of the one from `to` on, each with its condition on `v.eff`. */
  edges: { request: SearchRequest; within: Sql }[];
}

const isParam = (c: SearchRequest['criteria'][number]): c is ParamCriterion => c.kind === 'param';

/** How to answer `q` from the rollup, or undefined when it must read every value. */
export function rollupPlan(q: StatsQuery, derived: DerivedParams): RollupPlan | undefined {
  if (!q.wholeDays || q.wholeDays.from >= q.wholeDays.to || q.percentiles.length > 0 || q.totalCount) return undefined;
  const patient = /^Patient\/([A-Za-z0-9\-.]{1,64})$/.exec(q.subject)?.[1];
  if (patient === undefined || READ_PARAMS.some((p) => derived(OBSERVATION, p))) return undefined;
  const { request } = q;
  if (request.compartment && !(request.compartment.type === 'Patient' && request.compartment.id === patient)) return undefined;
  const criteria = request.criteria.filter(isParam).filter((c) => c.modifier === undefined);
  const subject = criteria.filter((c) => c.name === 'subject' && c.values.length === 1 && c.values[0] === q.subject);
  const dates = criteria.filter((c) => c.name === 'date' && c.values.length === 1);
  if (request.criteria.length !== 3 || subject.length !== 1 || dates.length !== 2) return undefined;
  const from = new Date(`${q.wholeDays.from}T00:00:00Z`);
  const to = new Date(`${q.wholeDays.to}T00:00:00Z`);
  // The edges narrowed by date criteria too, so that their SQL reads the edge days' rows only.
  const narrowed = (value: string): SearchRequest => ({ ...request, criteria: [...request.criteria, { ...dates[0], values: [value] }] });
  return {
    patient,
    from: q.wholeDays.from,
    to: q.wholeDays.to,
    edges: [
      { request: narrowed(`lt${from.toISOString()}`), within: sql`v.eff < ${from}` },
      { request: narrowed(`ge${to.toISOString()}`), within: sql`v.eff >= ${to}` },
    ],
  };
}

/** Count, sum, sum of squares and extremes per group (and day with bucket=day) of the rollup rows of the whole days. */
export function rollupSql(q: StatsQuery, plan: RollupPlan): Sql {
  const day = q.bucket === 'day' ? sql`DATE_FORMAT(u.day, '%Y-%m-%d')` : sql`NULL`;
  const panel = sql`u.panel_hash IN (SELECT pp.panel_hash FROM obs_rollup_panel pp WHERE ${codeIn(sql`pp.system`, sql`pp.code`, q.codes)})`;
  return sql`SELECT u.system, u.code, u.unit_system, u.unit, ${day} AS bucket_day, SUM(u.n) AS stat_count, SUM(u.total) AS stat_sum,
      SUM(u.squares) AS stat_squares, MIN(u.least_value) AS stat_minimum, MAX(u.greatest_value) AS stat_maximum
    FROM obs_day_rollup u
    WHERE u.patient_id = ${plan.patient} AND u.day >= ${plan.from} AND u.day < ${plan.to}
      AND (${codeIn(sql`u.system`, sql`u.code`, q.codes)} OR (u.component = 1 AND ${panel}))
    GROUP BY u.system, u.code, u.unit_system, u.unit, bucket_day`;
}

type Row = Record<string, unknown>;
const text = (v: unknown): string | null => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : null);

interface Sums {
  system: string | null;
  code: string;
  unitSystem: string | null;
  unit: string | null;
  day: string | null;
  n: number;
  sum: number;
  squares: number;
  min: number;
  max: number;
}

/**
 * The groups of the rollup rows and the edges' raw rows together: counts and sums add, extremes compare; the mean
 * is the sum over the count and the sample variance (sum of squares - sum^2 / n) / (n - 1), as double arithmetic
 * gives them (docs/search.md states the precision).
 */
export function composedGroups(q: StatsQuery, rowSets: readonly (readonly Row[])[]): StatsGroup[] {
  const byKey = new Map<string, Sums>();
  for (const rows of rowSets) {
    for (const row of rows) {
      const n = Number(row.stat_count);
      if (n === 0) continue;
      const s: Sums = {
        system: text(row.system),
        code: String(row.code),
        unitSystem: text(row.unit_system),
        unit: text(row.unit),
        day: q.bucket ? String(row.bucket_day) : null,
        n,
        sum: Number(row.stat_sum),
        squares: Number(row.stat_squares),
        min: Number(row.stat_minimum),
        max: Number(row.stat_maximum),
      };
      const key = JSON.stringify([s.system, s.code, s.unitSystem, s.unit, s.day]);
      const had = byKey.get(key);
      if (!had) byKey.set(key, s);
      else {
        had.n += s.n;
        had.sum += s.sum;
        had.squares += s.squares;
        had.min = Math.min(had.min, s.min);
        had.max = Math.max(had.max, s.max);
      }
    }
  }
  return [...byKey.values()].map((s) => {
    const variance = s.n < 2 ? undefined : Math.max(0, (s.squares - (s.sum * s.sum) / s.n) / (s.n - 1));
    return {
      system: s.system,
      code: s.code,
      unitSystem: s.unitSystem,
      unit: s.unit,
      ...(s.day !== null ? { day: s.day } : {}),
      count: s.n,
      sum: s.sum,
      average: s.sum / s.n,
      minimum: s.min,
      maximum: s.max,
      ...(variance === undefined ? {} : { variance, stdDev: Math.sqrt(variance) }),
      percentiles: new Map(),
    };
  });
}
