// The SQL of Patient/$everything: the patient's compartment members (index rows referring to the Patient through
// a compartment parameter), then the resources they refer to, each in primary-key order for keyset paging.
// https://hl7.org/fhir/R4/patient-operation-everything.html
import type { DerivedParams } from '../../definitions/derived-params.js';
import { paramMatch } from './search/param-match.js';
import type { EverythingQuery } from '../repository.js';
import { and, joinSql, or, sql, type Sql } from '../sql.js';

const list = (values: readonly string[]) =>
  joinSql(
    values.map((v) => sql`${v}`),
    ', ',
  );

/** The index row `i` refers to the patient through a compartment parameter of its type. */
function memberRow(q: EverythingQuery, derived: DerivedParams): Sql {
  const byType = q.members.map((m) => and([sql`i.res_type = ${m.type}`, or(m.params.map((p) => paramMatch(derived, m.type, p)))]));
  return and([sql`i.target_type = 'Patient'`, sql`i.target_id = ${q.patient}`, or(byType)]);
}

/** `start`/`end` on the member row `r`: a clinical date overlapping the range, or no clinical date at all. */
function careCondition(q: EverythingQuery, derived: DerivedParams): Sql {
  const { start, end } = q.care ?? {};
  const dated = q.members.filter((m) => m.careDate !== undefined);
  if ((!start && !end) || dated.length === 0) return sql`1=1`;
  const overlap = and([...(start ? [sql`d.end_at >= ${start}`] : []), ...(end ? [sql`d.start_at <= ${end}`] : [])]);
  const rows = (type: string, code: string, extra: Sql) =>
    sql`EXISTS (SELECT 1 FROM idx_date d WHERE d.resource_pk = r.pk AND d.res_type = ${type} AND ${paramMatch(derived, type, code, sql`d`)} AND ${extra})`;
  const perType = dated.map(
    (m) => sql`(r.res_type = ${m.type} AND (${rows(m.type, m.careDate!, overlap)} OR NOT ${rows(m.type, m.careDate!, sql`1=1`)}))`,
  );
  return or([sql`r.res_type NOT IN (${list(dated.map((m) => m.type))})`, ...perType]);
}

/** `_type` and `_since` on the resource row `alias`. */
function outputFilter(q: EverythingQuery, alias: Sql): Sql {
  return and([
    ...(q.types ? [sql`${alias}.res_type IN (${list(q.types)})`] : []),
    ...(q.since ? [sql`${alias}.last_updated >= ${q.since}`] : []),
  ]);
}

/** The Patient itself, when it passes `_type` and `_since`; no row when it is unknown or deleted. */
export function patientRow(q: EverythingQuery): Sql {
  const r = sql`r`;
  return sql`SELECT r.pk, ${outputFilter(q, r)} AS shown FROM resource r WHERE r.res_type = 'Patient' AND r.res_id = ${q.patient} AND r.deleted = 0`;
}

/** The (type, stored parameter) pairs of the rows referring to the patient: a loose scan of ix_reference_reverse. */
export function referringPairs(q: EverythingQuery): Sql {
  return sql`SELECT DISTINCT i.res_type, i.param FROM idx_reference i WHERE i.target_type = 'Patient' AND i.target_id = ${q.patient}`;
}

/** The stored rows' parameter names a member's compartment parameters read (a derived one reads those it is made of). */
export function storedMemberParams(q: EverythingQuery, derived: DerivedParams): Map<string, Set<string>> {
  return new Map(q.members.map((m) => [m.type, new Set(m.params.flatMap((p) => derived(m.type, p)?.from ?? [p]))]));
}

/**
 * Up to `limit` compartment members after primary key `after`, in pk order, from the `pairs` (type, parameter)
 * that refer to the patient: each pair's rows are one range of ix_reference_reverse already in pk order, so each
 * part reads at most `limit` rows, however large the record.
 */
export function memberKeys(
  q: EverythingQuery,
  derived: DerivedParams,
  after: number,
  limit: number,
  pairs: readonly [string, string][],
): Sql {
  if (pairs.length === 0) return sql`SELECT 1 AS pk FROM DUAL WHERE 1=0`;
  const part = ([type, param]: [
    string,
    string,
  ]) => sql`(SELECT i.resource_pk AS pk FROM idx_reference i JOIN resource r ON r.pk = i.resource_pk
    WHERE i.target_type = 'Patient' AND i.target_id = ${q.patient} AND i.res_type = ${type} AND i.param = ${param}
      AND i.resource_pk > ${after} AND r.deleted = 0 AND ${careCondition(q, derived)} AND ${outputFilter(q, sql`r`)}
    ORDER BY i.resource_pk LIMIT ${limit})`;
  return sql`SELECT DISTINCT u.pk FROM (${joinSql(pairs.map(part), ' UNION ALL ')}) u ORDER BY u.pk LIMIT ${limit}`;
}

/**
 * Up to `limit` resources after primary key `after` that the Patient or its members in the care range refer to, other than
 * Patients (another patient's record is not this one's) and members already given.
 */
export function referencedKeys(q: EverythingQuery, derived: DerivedParams, after: number, limit: number): Sql {
  const inRange = sql`SELECT i.resource_pk FROM idx_reference i JOIN resource r ON r.pk = i.resource_pk
    WHERE ${memberRow(q, derived)} AND r.deleted = 0 AND ${careCondition(q, derived)}`;
  const patient = sql`SELECT p.pk FROM resource p WHERE p.res_type = 'Patient' AND p.res_id = ${q.patient}`;
  return sql`SELECT DISTINCT t.pk FROM idx_reference x JOIN resource t ON t.res_type = x.target_type AND t.res_id = x.target_id
    WHERE x.resource_pk IN (${inRange} UNION ${patient}) AND x.target_type <> 'Patient' AND t.deleted = 0 AND t.pk > ${after}
      AND ${outputFilter(q, sql`t`)}
      AND (t.res_type NOT IN (${list(q.members.map((m) => m.type))}) OR t.pk NOT IN (${inRange}))
    ORDER BY t.pk LIMIT ${limit}`;
}
