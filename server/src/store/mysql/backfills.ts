// Data steps of migrations that SQL alone cannot express: they need the R4 CompartmentDefinition, SearchParameters or UCUM.
// Each runs after its migration's SQL, before the migration is recorded, and is safe to run again after a crash.
import type { PoolConnection, ResultSetHeader, RowDataPacket } from 'mysql2/promise';
import { derivedParams } from '../../definitions/derived-params.js';
import { loadR4Definitions } from '../../definitions/r4-definitions.js';
import { patientCompartmentParams } from '../../fhir-values/patient-compartment.js';
import { ratioFactor, toCanonical, UCUM } from '../../fhir-values/ucum-canonical.js';
import { fullTextWords } from './full-text-backfill.js';
import { backfillRollup } from './rollup/observation-rollup.js';

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
        const select = columns
          .split(', ')
          .map((c) => `t.${c}`)
          .join(', ');
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

/** The columns of one stored quantity: its value, system and code, and where its canonical form goes. */
interface QuantityColumns {
  table: string;
  value: string;
  system: string;
  code: string;
  canonicalValue: string;
  canonicalCode: string;
}

/** Canonical UCUM values, one UPDATE per distinct unit (per distinct value for Cel and other special units). */
async function canonicalQuantities(conn: PoolConnection, c: QuantityColumns): Promise<void> {
  const pending = `${c.system} = ? AND ${c.code} = ? AND ${c.value} IS NOT NULL AND ${c.canonicalCode} IS NULL`;
  const [codes] = await conn.query<RowDataPacket[]>(
    `SELECT DISTINCT ${c.code} AS code FROM ${c.table} WHERE ${c.system} = ? AND ${c.code} IS NOT NULL AND ${c.value} IS NOT NULL AND ${c.canonicalCode} IS NULL`,
    [UCUM],
  );
  for (const { code } of codes as { code: string }[]) {
    const one = toCanonical(1, code);
    if (!one) continue;
    const factor = ratioFactor(code);
    if (factor !== undefined) {
      // canonical = value * factor, the same double multiplication as the write path.
      await conn.query(
        `UPDATE ${c.table} SET ${c.canonicalValue} = ${c.value} * ?, ${c.canonicalCode} = ? WHERE ${pending} AND ABS(${c.value}) <= ?`,
        [factor, one.code.slice(0, 100), UCUM, code, Number.MAX_VALUE / Math.max(1, Math.abs(factor))],
      );
      continue;
    }
    const [values] = await conn.query<RowDataPacket[]>(`SELECT DISTINCT ${c.value} AS value FROM ${c.table} WHERE ${pending}`, [
      UCUM,
      code,
    ]);
    for (const { value } of values as { value: number }[]) {
      const q = toCanonical(value, code);
      if (!q) continue;
      await conn.query(`UPDATE ${c.table} SET ${c.canonicalValue} = ?, ${c.canonicalCode} = ? WHERE ${pending} AND ${c.value} = ?`, [
        q.value,
        q.code.slice(0, 100),
        UCUM,
        code,
        value,
      ]);
    }
  }
}

/** Migration 7: quantity rows. */
const quantityCanonical: Backfill = (conn) =>
  canonicalQuantities(conn, {
    table: 'idx_quantity',
    value: 'value',
    system: 'system',
    code: 'code',
    canonicalValue: 'canonical_value',
    canonicalCode: 'canonical_code',
  });

/** Migration 9: both components of composite rows (only quantity components have a number with a UCUM code). */
async function compositeCanonical(conn: PoolConnection): Promise<void> {
  for (const n of [1, 2]) {
    await canonicalQuantities(conn, {
      table: 'idx_composite',
      value: `c${n}_num`,
      system: `c${n}_system`,
      code: `c${n}_code`,
      canonicalValue: `c${n}_canonical_num`,
      canonicalCode: `c${n}_canonical_code`,
    });
  }
}

/** The index table of each parameter type. */
const TABLE_OF: Record<string, string> = {
  token: 'idx_token',
  string: 'idx_string',
  date: 'idx_date',
  number: 'idx_number',
  quantity: 'idx_quantity',
  reference: 'idx_reference',
  uri: 'idx_uri',
  composite: 'idx_composite',
};
const DELETE_CHUNK = 20_000;

/** Migration 11: the rows of derived parameters go, in chunks of their own transactions (each chunk is final either way). */
async function derivedParamRows(conn: PoolConnection): Promise<void> {
  const defs = loadR4Definitions();
  const derived = derivedParams(defs);
  for (const type of defs.resourceTypes) {
    for (const [code, def] of defs.searchParams(type)) {
      const table = TABLE_OF[def.type];
      if (!table || !derived(type, code)) continue;
      for (;;) {
        const [result] = await conn.query<ResultSetHeader>(`DELETE FROM ${table} WHERE res_type = ? AND param = ? LIMIT ${DELETE_CHUNK}`, [
          type,
          code,
        ]);
        if (result.affectedRows < DELETE_CHUNK) break;
      }
    }
  }
}

export const BACKFILLS: Record<number, Backfill> = {
  6: patientCompartments,
  7: quantityCanonical,
  9: compositeCanonical,
  11: derivedParamRows,
  29: fullTextWords,
  31: fullTextWords,
  34: backfillRollup,
};
