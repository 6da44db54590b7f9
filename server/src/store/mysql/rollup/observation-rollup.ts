// Keeps the daily rollup of Observation quantity values (migration 34) where the index rows are kept, in the same
// transaction: after index rows of Observations are written (write-buffer.ts) their values are added; before an
// Observation's index rows are deleted (update, delete, reindex) its days are noted, and after the deletion those
// days are summed again from the index rows that remain. Every sum is taken from the index rows by the SQL below,
// the same rows Observation/$stats reads raw (search/stats-sql.ts): a value is the quantity half of a
// code-value-quantity or component-code-value-quantity composite row; its day is the UTC day of the Observation's
// earliest `date` start; only Observations whose subject is a Patient are rolled up.
// https://hl7.org/fhir/R4/observation-operation-stats.html
import type { PoolConnection, RowDataPacket } from 'mysql2/promise';
import { sql, type Sql } from '../../sql.js';

const OBSERVATION = 'Observation';
/** Observations per statement when adding or backfilling: bounds each statement's rows and locks. */
export const ROLLUP_BATCH = 2000;

/** A day of one patient's rollup rows: YYYY-MM-DD (UTC). */
export interface RollupDay {
  patient: string;
  day: string;
}

/** SQL text made here from constants only (column names), never from input. */
const text = (t: string): Sql => ({ text: t, values: [] });

/** Length-prefixed text of a nullable column, so that distinct tuples of columns never concatenate alike. */
const enc = (column: string) => `IFNULL(CONCAT(LENGTH(${column}), ':', ${column}), '-')`;

/** A 48-bit hash of one coding; a panel's hash is the sum over its codings (a multiset hash). */
const CODING_HASH_48 = text(`CAST(CONV(LEFT(SHA2(CONCAT(${enc('p.system')}, ${enc('p.code')}), 256), 12), 16, 10) AS UNSIGNED)`);
const CODING_HASH = text(`UNHEX(SHA2(CONCAT(${enc('p.system')}, ${enc('p.code')}), 256))`);
/** The group of a value: own or component value, panel, code and unit. */
const GROUP_HASH = text(
  `UNHEX(SHA2(CONCAT(v.component, '|', v.panel_hash, '|', ${enc('v.system')}, ${enc('v.code')}, ${enc('v.unit_system')}, ${enc('v.unit')}), 256))`,
);

/**
 * The Observations `selection` (a condition on `r`) picks, one row each: pk, Patient subject, effective instant
 * (earliest date start, as $stats' EFFECTIVE) and the hash of its code's codings (one compartment's copy of them).
 * `deletedToo`: also a resource just marked deleted whose index rows are still there (remove() marks it first).
 */
function observationsSql(selection: Sql, deletedToo = false): Sql {
  return sql`SELECT r.pk,
      (SELECT MIN(s.target_id) FROM idx_reference s WHERE s.resource_pk = r.pk AND s.res_type = ${OBSERVATION}
        AND s.param = 'subject' AND s.target_type = 'Patient') AS patient_id,
      (SELECT MIN(d.start_at) FROM idx_date d WHERE d.resource_pk = r.pk AND d.res_type = ${OBSERVATION} AND d.param = 'date') AS eff,
      (SELECT CAST(COALESCE(SUM(${CODING_HASH_48}), 0) AS UNSIGNED) FROM idx_token p
        WHERE p.resource_pk = r.pk AND p.res_type = ${OBSERVATION} AND p.param = 'code'
          AND p.compartment = (SELECT MIN(q.compartment) FROM idx_token q WHERE q.resource_pk = r.pk AND q.res_type = ${OBSERVATION} AND q.param = 'code')
      ) AS panel_hash
    FROM resource r WHERE r.res_type = ${OBSERVATION} ${deletedToo ? sql`` : sql`AND r.deleted = 0`} AND ${selection}`;
}

/** One row per value of the selected Observations: patient, day, group columns, value. */
function valuesSql(selection: Sql, only?: RollupDay): Sql {
  return sql`SELECT o.patient_id, DATE(o.eff) AS day,
      IF(c.param = 'component-code-value-quantity', 1, 0) AS component,
      IF(c.param = 'component-code-value-quantity', o.panel_hash, 0) AS panel_hash,
      c.c1_system AS system, c.c1_code AS code, c.c2_system AS unit_system, c.c2_code AS unit, c.c2_num AS value
    FROM (${observationsSql(selection)}) o
    JOIN idx_composite c ON c.resource_pk = o.pk AND c.res_type = ${OBSERVATION}
      AND c.param IN ('code-value-quantity', 'component-code-value-quantity') AND c.c2_num IS NOT NULL
    WHERE o.patient_id IS NOT NULL AND o.eff IS NOT NULL
      ${only ? sql`AND o.patient_id = ${only.patient} AND DATE(o.eff) = ${only.day}` : sql``}`;
}

/** Adds the values of the selected Observations to their rollup rows (creating them), and records their panels. */
async function add(conn: PoolConnection, selection: Sql, only?: RollupDay): Promise<void> {
  const values = valuesSql(selection, only);
  const insert = sql`INSERT INTO obs_day_rollup (patient_id, day, group_hash, component, panel_hash, system, code, unit_system, unit,
      n, total, squares, least_value, greatest_value)
    SELECT v.patient_id, v.day, ${GROUP_HASH}, v.component, v.panel_hash, v.system, v.code, v.unit_system, v.unit,
      COUNT(*), SUM(v.value), SUM(v.value * v.value), MIN(v.value), MAX(v.value)
    FROM (${values}) v
    GROUP BY v.patient_id, v.day, v.component, v.panel_hash, v.system, v.code, v.unit_system, v.unit
    ON DUPLICATE KEY UPDATE obs_day_rollup.n = obs_day_rollup.n + VALUES(n), obs_day_rollup.total = obs_day_rollup.total + VALUES(total),
      obs_day_rollup.squares = obs_day_rollup.squares + VALUES(squares),
      obs_day_rollup.least_value = LEAST(obs_day_rollup.least_value, VALUES(least_value)),
      obs_day_rollup.greatest_value = GREATEST(obs_day_rollup.greatest_value, VALUES(greatest_value))`;
  await conn.query(insert.text, insert.values as unknown[]);
  // The codings behind each panel hash of a component value (a panel's code finds its components' rows).
  const panels = sql`INSERT INTO obs_rollup_panel (panel_hash, coding_hash, system, code)
    SELECT DISTINCT o.panel_hash, ${CODING_HASH}, p.system, p.code
    FROM (${observationsSql(selection)}) o
    JOIN idx_token p ON p.resource_pk = o.pk AND p.res_type = ${OBSERVATION} AND p.param = 'code'
    WHERE o.patient_id IS NOT NULL AND o.eff IS NOT NULL AND EXISTS (SELECT 1 FROM idx_composite c WHERE c.resource_pk = o.pk
      AND c.res_type = ${OBSERVATION} AND c.param = 'component-code-value-quantity' AND c.c2_num IS NOT NULL)
    ON DUPLICATE KEY UPDATE obs_rollup_panel.panel_hash = obs_rollup_panel.panel_hash`;
  await conn.query(panels.text, panels.values as unknown[]);
}

/** After their index rows were written: adds the values of these Observations. */
export async function addToRollup(conn: PoolConnection, pks: readonly number[]): Promise<void> {
  for (let i = 0; i < pks.length; i += ROLLUP_BATCH) await add(conn, sql`r.pk IN (${pks.slice(i, i + ROLLUP_BATCH)})`);
}

/** Before their index rows are deleted: the patient days these Observations' values are in. */
export async function rollupDaysOf(conn: PoolConnection, pks: readonly number[]): Promise<RollupDay[]> {
  const q = sql`SELECT DISTINCT o.patient_id, DATE_FORMAT(o.eff, '%Y-%m-%d') AS day FROM (${observationsSql(sql`r.pk IN (${pks})`, true)}) o
    WHERE o.patient_id IS NOT NULL AND o.eff IS NOT NULL`;
  const [rows] = await conn.query<RowDataPacket[]>(q.text, q.values as unknown[]);
  return rows.map((r) => ({ patient: String(r.patient_id), day: String(r.day) }));
}

/** After index rows were deleted: each day's rollup rows summed again from the index rows that remain. */
export async function recomputeRollup(conn: PoolConnection, days: readonly RollupDay[]): Promise<void> {
  for (const d of days) {
    await conn.query('DELETE FROM obs_day_rollup WHERE patient_id = ? AND day = ?', [d.patient, d.day]);
    const start = new Date(`${d.day}T00:00:00Z`);
    const end = new Date(start.getTime() + 86_400_000);
    // The patient's Observations starting that day, found through the compartment's date rows.
    const selection = sql`r.pk IN (SELECT d.resource_pk FROM idx_date d WHERE d.compartment = ${d.patient} AND d.res_type = ${OBSERVATION}
      AND d.param = 'date' AND d.start_at >= ${start} AND d.start_at < ${end})`;
    await add(conn, selection, d);
  }
}

/** Migration 34: every stored Observation's values, in batches of ROLLUP_BATCH by primary key; safe to run again. */
export async function backfillRollup(conn: PoolConnection): Promise<void> {
  await conn.query('DELETE FROM obs_day_rollup');
  let after = 0;
  for (;;) {
    const [rows] = await conn.query<RowDataPacket[]>(
      'SELECT pk FROM resource WHERE res_type = ? AND deleted = 0 AND pk > ? ORDER BY pk LIMIT ?',
      [OBSERVATION, after, ROLLUP_BATCH],
    );
    if (rows.length === 0) return;
    const pks = rows.map((r) => Number(r.pk));
    await addToRollup(conn, pks);
    after = pks[pks.length - 1];
  }
}
