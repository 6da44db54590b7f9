// The rows of stats-sql.ts as $stats groups: numbers read, each percentile weighed from its two ranked values, and
// total-count attached to every unit group of its code and day (or a group of its own when no value was valid).
// https://hl7.org/fhir/R4/observation-operation-stats.html
import { percentileRanks } from '../../../fhir-values/observation-statistics.js';
import type { StatsGroup, StatsQuery } from '../../repository.js';

type Row = Record<string, unknown>;

const num = (v: unknown): number | undefined => (v === null || v === undefined ? undefined : Number(v));
const text = (v: unknown): string | null => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : null);

function group(q: StatsQuery, row: Row): StatsGroup {
  const count = Number(row.stat_count);
  const percentiles = new Map<number, number>();
  for (const pct of q.percentiles) {
    const low = num(row[`p${pct}_low`]);
    const high = num(row[`p${pct}_high`]);
    if (low !== undefined && high !== undefined) percentiles.set(pct, low + (high - low) * percentileRanks(pct, count).fraction);
  }
  return {
    system: text(row.system),
    code: String(row.code),
    unitSystem: text(row.unit_system),
    unit: text(row.unit),
    ...(q.bucket ? { day: String(row.bucket_day) } : {}),
    count,
    sum: num(row.stat_sum),
    average: num(row.stat_average),
    minimum: num(row.stat_minimum),
    maximum: num(row.stat_maximum),
    stdDev: num(row.stat_std_dev),
    variance: num(row.stat_variance),
    percentiles,
    ...(q.extent && row.first_at instanceof Date && row.last_at instanceof Date ? { first: row.first_at, last: row.last_at } : {}),
  };
}

export function statsGroups(q: StatsQuery, rows: readonly Row[], totals: readonly Row[]): StatsGroup[] {
  const groups = rows.map((row) => group(q, row));
  const key = (system: string | null, code: string, day: string | undefined) => JSON.stringify([system, code, day ?? null]);
  const byKey = new Map<string, StatsGroup[]>();
  for (const g of groups) byKey.set(key(g.system, g.code, g.day), [...(byKey.get(key(g.system, g.code, g.day)) ?? []), g]);
  for (const row of totals) {
    if (q.bucket && row.bucket_day === null) continue;
    const day = q.bucket ? String(row.bucket_day) : undefined;
    const found = byKey.get(key(text(row.system), String(row.code), day));
    if (found) for (const g of found) g.totalCount = Number(row.n);
    else
      groups.push({
        system: text(row.system),
        code: String(row.code),
        unitSystem: null,
        unit: null,
        ...(day ? { day } : {}),
        count: 0,
        totalCount: Number(row.n),
        percentiles: new Map(),
      });
  }
  return groups;
}
