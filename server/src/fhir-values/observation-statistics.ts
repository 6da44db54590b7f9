// The statistics Observation/$stats computes: codes of the R4 observation-statistics CodeSystem, which of them
// are percentiles (and of what), and how a percentile is read from the two ranked values around it. Pure.
// https://hl7.org/fhir/R4/codesystem-observation-statistics.html
export const STATISTICS_SYSTEM = 'http://terminology.hl7.org/CodeSystem/observation-statistics';

export const STATISTICS = {
  average: 'Average',
  maximum: 'Maximum',
  minimum: 'Minimum',
  count: 'Count',
  'total-count': 'Total Count',
  sum: 'Sum',
  median: 'Median',
  'std-dev': 'Standard Deviation',
  variance: 'Variance',
  '20-percent': '20th Percentile',
  '80-percent': '80th Percentile',
  '4-lower': 'Lower Quartile',
  '4-upper': 'Upper Quartile',
  '4-dev': 'Quartile Deviation',
  '5-1': '1st Quintile',
  '5-2': '2nd Quintile',
  '5-3': '3rd Quintile',
  '5-4': '4th Quintile',
} as const;

export type Statistic = keyof typeof STATISTICS;

/** Codes of the CodeSystem this server does not compute (moments above the second, a fitted line). */
export const UNSUPPORTED_STATISTICS = ['skew', 'kurtosis', 'regression'] as const;

/** The R4 OperationDefinition's own short names for three codes ("average|max|min|count"). */
export const STATISTIC_ALIASES: Record<string, Statistic> = { max: 'maximum', min: 'minimum', mean: 'average' };

/** The percentiles (whole percents) each percentile-based statistic reads; 4-dev is half the distance between two. */
export const PERCENTILES_OF: Partial<Record<Statistic, readonly number[]>> = {
  median: [50],
  '20-percent': [20],
  '80-percent': [80],
  '4-lower': [25],
  '4-upper': [75],
  '4-dev': [25, 75],
  '5-1': [20],
  '5-2': [40],
  '5-3': [60],
  '5-4': [80],
};

/**
 * Percentile `percent` of n ascending values lies at 0-based position percent * (n - 1) / 100, between the
 * values of 1-based ranks `low` and `high`, `fraction` of the way: linear interpolation between closest ranks, as
 * PERCENTILE_CONT and spreadsheets' PERCENTILE.INC compute it. Whole numbers throughout, so SQL (which picks the
 * two ranks) and this (which weighs them) agree exactly.
 */
export function percentileRanks(percent: number, n: number): { low: number; high: number; fraction: number } {
  const scaled = percent * (n - 1);
  return { low: Math.floor(scaled / 100) + 1, high: Math.ceil(scaled / 100) + 1, fraction: (scaled % 100) / 100 };
}

/** A percentile-based statistic from the percentiles computed (undefined when one is missing). */
export function percentileStatistic(stat: Statistic, values: ReadonlyMap<number, number>): number | undefined {
  const ps = PERCENTILES_OF[stat];
  if (!ps) return undefined;
  const got = ps.map((p) => values.get(p));
  if (got.some((v) => v === undefined)) return undefined;
  return stat === '4-dev' ? (got[1]! - got[0]!) / 2 : got[0];
}
