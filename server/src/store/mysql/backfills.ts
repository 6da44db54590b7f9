// Data steps of migrations that SQL alone cannot express: they need the R4 CompartmentDefinition or UCUM.
// Each runs after its migration's SQL, before the migration is recorded, and is safe to run again after a crash.
import type { PoolConnection, RowDataPacket } from 'mysql2/promise';
import { loadR4Definitions } from '../../definitions/r4-definitions.js';
import { patientCompartmentParams } from '../../indexing/patient-compartment.js';
import { ratioFactor, toCanonical, UCUM } from '../../indexing/ucum-canonical.js';

export type Backfill = (conn: PoolConnection) => Promise<void>;

/** The columns each compartment-carrying table had when migration 6 ran. */
const COMPARTMENT_TABLES: Record<string, string> = {
  idx_token: 'resource_pk, res_type, param, system, code, display',
  idx_date: 'resource_pk, res_type, param, start_at, end_at, span_class',
  idx_quantity: 'resource_pk, res_type, param, value, system, code, unit',
};

/** Migration 6: rows of resources in Patient compartments become one copy per compartment (like new writes). */
async function patientCompartments(conn: PoolConnection): Promise<void> {
  const defs = loadR4Definitions();
  for (const type of defs.resourceTypes) {
    const params = patientCompartmentParams(defs, type);
    if (params.length === 0) continue;
    const members = `SELECT DISTINCT x.resource_pk, x.target_id FROM idx_reference x
      WHERE x.res_type = ? AND x.param IN (?) AND x.target_type = 'Patient' AND x.target_id IS NOT NULL`;
    const [[any]] = await conn.query<RowDataPacket[]>(`SELECT COUNT(*) AS n FROM (${members} LIMIT 1) m`, [type, params]);
    if (Number(any.n) === 0) continue;
    // One transaction per type: the copies and the removal of the uncompartmented originals land together.
    await conn.beginTransaction();
    try {
      for (const [table, columns] of Object.entries(COMPARTMENT_TABLES)) {
        const select = columns.split(', ').map((c) => `t.${c}`).join(', ');
        await conn.query(
          `INSERT INTO ${table} (${columns}, compartment) SELECT ${select}, m.target_id FROM ${table} t
           JOIN (${members}) m ON m.resource_pk = t.resource_pk WHERE t.res_type = ? AND t.compartment = ''`,
          [type, params, type],
        );
        // A join, not `IN (subquery)`: MariaDB 10.11 runs a single-table DELETE's subquery once per row.
        await conn.query(
          `DELETE t FROM ${table} t JOIN (${members}) m ON m.resource_pk = t.resource_pk WHERE t.res_type = ? AND t.compartment = ''`,
          [type, params, type],
        );
      }
      await conn.commit();
    } catch (err) {
      await conn.rollback().catch(() => undefined);
      throw err;
    }
  }
}

/** Migration 7: canonical UCUM values, one UPDATE per distinct unit (per distinct value for Cel and other special units). */
async function quantityCanonical(conn: PoolConnection): Promise<void> {
  const [codes] = await conn.query<RowDataPacket[]>(
    'SELECT DISTINCT code FROM idx_quantity WHERE system = ? AND code IS NOT NULL AND canonical_code IS NULL', [UCUM]);
  for (const { code } of codes as { code: string }[]) {
    const one = toCanonical(1, code);
    if (!one) continue;
    const factor = ratioFactor(code);
    if (factor !== undefined) {
      // canonical = value * factor, the same double multiplication as the write path.
      await conn.query(
        `UPDATE idx_quantity SET canonical_value = value * ?, canonical_code = ?
         WHERE system = ? AND code = ? AND canonical_code IS NULL AND ABS(value) <= ?`,
        [factor, one.code.slice(0, 100), UCUM, code, Number.MAX_VALUE / Math.max(1, Math.abs(factor))],
      );
      continue;
    }
    const [values] = await conn.query<RowDataPacket[]>(
      'SELECT DISTINCT value FROM idx_quantity WHERE system = ? AND code = ? AND canonical_code IS NULL', [UCUM, code]);
    for (const { value } of values as { value: number }[]) {
      const c = toCanonical(value, code);
      if (!c) continue;
      await conn.query('UPDATE idx_quantity SET canonical_value = ?, canonical_code = ? WHERE system = ? AND code = ? AND value = ? AND canonical_code IS NULL',
        [c.value, c.code.slice(0, 100), UCUM, code, value]);
    }
  }
}

export const BACKFILLS: Record<number, Backfill> = { 6: patientCompartments, 7: quantityCanonical };
