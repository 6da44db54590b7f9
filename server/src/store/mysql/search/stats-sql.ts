// Observation/$stats in SQL over the index rows, never the resources' JSON: the values are the quantity halves of
// the code-value-quantity and component-code-value-quantity composite rows (one row per code and value, written
// once per resource) of the Observations the search WHERE matches, aggregated per code, unit and (optionally) UTC
// day. Percentiles rank the values with window functions (MariaDB 10.2+, MySQL 8).
// https://hl7.org/fhir/R4/observation-operation-stats.html
import type { DerivedParams } from '../../../definitions/derived-params.js';
import type { StatsQuery } from '../../repository.js';
import { and, identifier, joinSql, or, sql, type Sql } from '../../sql.js';
import { paramMatch } from './param-match.js';

const OBSERVATION = 'Observation';

/** The index row's system and code columns hold one of the asked codes (any system when the code came without one). */
export function codeIn(system: Sql, code: Sql, codes: StatsQuery['codes']): Sql {
  return or(codes.map((c) => (c.system === undefined ? sql`${code} = ${c.code}` : sql`(${code} = ${c.code} AND ${system} = ${c.system})`)));
}

/**
 * Rows of `alias` on Observation.code (`own`) with an asked code, and rows on .component.code (`component`) with an
 * asked code or of an Observation whose own code was asked (a panel: each of its measurements is reported by its own
 * code). `columns`: the row's system and code columns.
 */
function inScope(derived: DerivedParams, alias: Sql, columns: [string, string], params: [string, string], codes: StatsQuery['codes']): Sql {
  const [system, code] = columns.map((col) => sql`${alias}.${identifier(col)}`);
  const asked = codeIn(system, code, codes);
  const panel = sql`r.pk IN (SELECT p.resource_pk FROM idx_token p WHERE p.res_type = ${OBSERVATION} AND ${paramMatch(derived, OBSERVATION, 'code', sql`p`)}
    AND ${codeIn(sql`p.system`, sql`p.code`, codes)})`;
  return sql`((${paramMatch(derived, OBSERVATION, params[0], alias)} AND ${asked}) OR (${paramMatch(derived, OBSERVATION, params[1], alias)} AND ${or([asked, panel])}))`;
}

const ROW_TOKEN = identifier('t');
const ROW_COMPOSITE = identifier('c');

/** The effective instant of the Observation `r` (the start of a period), from its date row. */
const EFFECTIVE = sql`(SELECT MIN(d.start_at) FROM idx_date d WHERE d.resource_pk = r.pk AND d.res_type = ${OBSERVATION} AND d.param = 'date')`;

/** Its UTC calendar day, or NULL without bucketing. */
const dayOf = (q: StatsQuery, at: Sql) => (q.bucket === 'day' ? sql`DATE_FORMAT(${at}, '%Y-%m-%d')` : sql`NULL`);

/** One row per value: code, unit, value, effective instant (when needed) and bucket day; `within`: on `v.eff`. */
function valuesSql(q: StatsQuery, where: Sql, derived: DerivedParams, within?: Sql): Sql {
  const dated = q.bucket !== undefined || q.extent || within !== undefined;
  const c = ROW_COMPOSITE;
  const values = sql`SELECT ${c}.c1_system AS system, ${c}.c1_code AS code, ${c}.c2_system AS unit_system, ${c}.c2_code AS unit,
      ${c}.c2_num AS value, ${dated ? EFFECTIVE : sql`NULL`} AS eff
    FROM resource r
    JOIN idx_composite ${c} ON ${c}.resource_pk = r.pk AND ${c}.res_type = ${OBSERVATION} AND ${c}.c2_num IS NOT NULL
      AND ${inScope(derived, c, ['c1_system', 'c1_code'], ['code-value-quantity', 'component-code-value-quantity'], q.codes)}
    WHERE ${where}`;
  return sql`SELECT v.system, v.code, v.unit_system, v.unit, v.value, v.eff, ${dayOf(q, sql`v.eff`)} AS bucket_day
    FROM (${values}) v WHERE ${and([...(q.bucket ? [sql`v.eff IS NOT NULL`] : []), ...(within ? [within] : [])])}`;
}

const KEYS = (alias: string) =>
  joinSql(
    ['system', 'code', 'unit_system', 'unit', 'bucket_day'].map((k) => sql`${identifier(alias)}.${identifier(k)}`),
    ', ',
  );

/**
 * Count, sum, sum of squares, mean, extremes, sample deviation and variance per group in one pass; each percentile
 * as the values at the two ranks around it (fhir-values/observation-statistics.ts weighs them). `within`: a
 * condition on the effective instant `v.eff` (the partial days around the rollup's whole days, stats-rollup.ts).
 */
export function statsSql(q: StatsQuery, where: Sql, derived: DerivedParams, within?: Sql): Sql {
  const rows = valuesSql(q, where, derived, within);
  const ranked =
    q.percentiles.length === 0
      ? rows
      : sql`SELECT x.*, ROW_NUMBER() OVER (PARTITION BY ${KEYS('x')} ORDER BY x.value) AS rn, COUNT(*) OVER (PARTITION BY ${KEYS('x')}) AS n
      FROM (${rows}) x`;
  const percentiles = q.percentiles.map(
    (pct) => sql`,
    MAX(CASE WHEN g.rn = (${pct} * (g.n - 1)) DIV 100 + 1 THEN g.value END) AS ${identifier(`p${pct}_low`)},
    MAX(CASE WHEN g.rn = (${pct} * (g.n - 1) + 99) DIV 100 + 1 THEN g.value END) AS ${identifier(`p${pct}_high`)}`,
  );
  return sql`SELECT g.system, g.code, g.unit_system, g.unit, g.bucket_day, COUNT(*) AS stat_count, SUM(g.value) AS stat_sum, SUM(g.value * g.value) AS stat_squares,
      AVG(g.value) AS stat_average, MIN(g.value) AS stat_minimum, MAX(g.value) AS stat_maximum,
      STDDEV_SAMP(g.value) AS stat_std_dev, VAR_SAMP(g.value) AS stat_variance, MIN(g.eff) AS first_at, MAX(g.eff) AS last_at
      ${joinSql(percentiles, '')}
    FROM (${ranked}) g
    GROUP BY ${KEYS('g')}
    ORDER BY ${KEYS('g')}`;
}

/** total-count: the matching Observations carrying each code (in .code or .component.code), whatever their value. */
export function totalCountSql(q: StatsQuery, where: Sql, derived: DerivedParams): Sql {
  const t = ROW_TOKEN;
  return sql`SELECT ${t}.system, ${t}.code, ${dayOf(q, EFFECTIVE)} AS bucket_day, COUNT(DISTINCT ${t}.resource_pk) AS n
    FROM resource r
    JOIN idx_token ${t} ON ${t}.resource_pk = r.pk AND ${t}.res_type = ${OBSERVATION} AND ${t}.code IS NOT NULL
      AND ${inScope(derived, t, ['system', 'code'], ['code', 'component-code'], q.codes)}
    WHERE ${where}
    GROUP BY ${t}.system, ${t}.code, bucket_day`;
}
