// Collects the resource, history and search index rows of a transaction and writes them a table at a time; the
// index rows come finished (indexing/finished-rows.ts) and are only cut to their columns here.
// Batching is what makes a 500-entry transaction Bundle cost a few statements instead of thousands.
// The daily rollup of Observation values (rollup/observation-rollup.ts) follows the index rows here: added when
// they are written, summed again when they are deleted (clearIndexRows), in the same transaction.
import type { PoolConnection } from 'mysql2/promise';
import type { FinishedCompositePart, FinishedRows } from '../../indexing/finished-rows.js';
import type { WordRow } from '../../indexing/text-rows.js';
import type { WriteCapabilities } from './connect.js';
import { isLocalInfileRefused, loadRows, type Field } from './load-data.js';
import { addToRollup, recomputeRollup, rollupDaysOf } from './rollup/observation-rollup.js';

type Row = Field[];

const TABLES = {
  resource: ['pk', 'res_type', 'res_id', 'version_id', 'last_updated', 'deleted'],
  resource_history: ['resource_pk', 'res_type', 'res_id', 'version_id', 'last_updated', 'method', 'deleted', 'content'],
  idx_token: ['resource_pk', 'res_type', 'param', 'system', 'code', 'display', 'compartment'],
  idx_string: ['resource_pk', 'res_type', 'param', 'normalized', 'exact'],
  idx_date: ['resource_pk', 'res_type', 'param', 'start_at', 'end_at', 'span_class', 'compartment'],
  idx_number: ['resource_pk', 'res_type', 'param', 'value'],
  idx_quantity: ['resource_pk', 'res_type', 'param', 'value', 'system', 'code', 'unit', 'canonical_value', 'canonical_code', 'compartment'],
  idx_reference: ['resource_pk', 'res_type', 'param', 'target_type', 'target_id', 'url'],
  idx_uri: ['resource_pk', 'res_type', 'param', 'uri'],
  idx_text: ['resource_pk', 'res_type', 'param', 'word'],
  idx_composite: [
    'resource_pk',
    'res_type',
    'param',
    'c1_system',
    'c1_code',
    'c1_num',
    'c1_start',
    'c1_end',
    'c1_canonical_num',
    'c1_canonical_code',
    'c2_system',
    'c2_code',
    'c2_num',
    'c2_start',
    'c2_end',
    'c2_canonical_num',
    'c2_canonical_code',
  ],
} as const;

type Table = keyof typeof TABLES;
export const INDEX_TABLES = Object.keys(TABLES).filter((t) => t.startsWith('idx_')) as Table[];

/** Rows per statement until its text reaches 2M characters (at most 6 MiB of UTF-8); a single row may be longer. */
const MAX_STATEMENT_CHARS = 2 * 1024 * 1024;
/** A resource in no Patient compartment has its token, date and quantity rows under this value. */
const NO_COMPARTMENT = '';
const cut = (s: string | null, n: number) => (s === null ? null : s.slice(0, n));

const OBSERVATION = 'Observation';

export class WriteBuffer {
  private rows = new Map<Table, Row[]>();
  /** Observations whose index rows are in this buffer: their values go to the daily rollup once the rows are written. */
  private observations: number[] = [];

  /**
   * `capabilities.loadData`: the server allows LOAD DATA LOCAL INFILE (@@local_infile, connect.ts writeCapabilities).
   * Shared by the repository's buffers: when the server refuses it after all, this flush and every later one use INSERTs.
   */
  constructor(private readonly capabilities: Pick<WriteCapabilities, 'loadData'>) {}

  /** A new resource row; a duplicate (type, id) fails at flush and the transaction is retried. */
  resource(row: Row): void {
    this.add('resource', row);
  }

  history(row: Row): void {
    this.add('resource_history', row);
  }

  /**
   * Token, date and quantity rows are written once per Patient compartment the resource is in, or once under
   * NO_COMPARTMENT; every copy holds the same values, so a semi-join on them matches the same resources.
   * Values are cut to their columns' widths.
   */
  index(pk: number, type: string, idx: FinishedRows): void {
    if (type === OBSERVATION) this.observations.push(pk);
    const tokens = idx.token.map((r) => [pk, type, r.param, cut(r.system, 255), cut(r.code, 255), cut(r.display, 255)]);
    const dates = idx.date.map((r) => [pk, type, r.param, new Date(r.start), new Date(r.end), r.spanClass]);
    const quantities = idx.quantity.map((r) => [
      pk,
      type,
      r.param,
      r.value,
      cut(r.system, 255),
      cut(r.code, 100),
      cut(r.unit, 100),
      r.canonical?.value ?? null,
      cut(r.canonical?.code ?? null, 100),
    ]);
    for (const c of idx.compartments.length === 0 ? [NO_COMPARTMENT] : idx.compartments) {
      for (const row of tokens) this.add('idx_token', [...row, c]);
      for (const row of dates) this.add('idx_date', [...row, c]);
      for (const row of quantities) this.add('idx_quantity', [...row, c]);
    }
    for (const r of idx.string) this.add('idx_string', [pk, type, r.param, r.normalized, r.exact]);
    for (const r of idx.number) this.add('idx_number', [pk, type, r.param, r.value]);
    for (const r of idx.reference) {
      this.add('idx_reference', [pk, type, r.param, cut(r.targetType, 64), cut(r.targetId, 64), cut(r.url, 512)]);
    }
    for (const r of idx.uri) this.add('idx_uri', [pk, type, r.param, r.uri.slice(0, 512)]);
    this.words(pk, type, idx.words);
    for (const r of idx.composite)
      this.add('idx_composite', [pk, type, r.param, ...compositeColumns(r.parts[0]), ...compositeColumns(r.parts[1])]);
  }

  /** Full-text rows alone (the write path adds them with the others in index(); migration 029 adds only these). */
  words(pk: number, type: string, words: readonly WordRow[]): void {
    for (const r of words) this.add('idx_text', [pk, type, r.param, r.word]);
  }

  get empty(): boolean {
    return this.rows.size === 0 && this.observations.length === 0;
  }

  /**
   * Resource rows first, so that a duplicate (type, id) fails the flush before anything else is sent; then history
   * and index rows. Through LOAD DATA when the server allows it, else as INSERTs.
   */
  async flush(conn: PoolConnection): Promise<void> {
    const resources = this.rows.get('resource');
    if (resources) await this.write(conn, 'resource', resources);
    for (const [table, rows] of this.rows) if (table !== 'resource') await this.write(conn, table, rows);
    this.rows.clear();
    const observations = this.observations;
    this.observations = [];
    if (observations.length > 0) await addToRollup(conn, observations);
  }

  private async write(conn: PoolConnection, table: Table, rows: readonly Row[]): Promise<void> {
    if (this.capabilities.loadData) {
      try {
        return await loadRows(conn, table, TABLES[table], rows);
      } catch (err) {
        // Refused before any row was read: the transaction goes on, with INSERTs from here on.
        if (!isLocalInfileRefused(err)) throw err;
        this.capabilities.loadData = false;
      }
    }
    await insertRows(conn, table, rows);
  }

  private add(table: Table, row: Row): void {
    const rows = this.rows.get(table);
    if (rows) rows.push(row);
    else this.rows.set(table, [row]);
  }
}

/**
 * Deletes the index rows of resources `pks` of `type` (an update, a delete, a reindex) inside the caller's
 * transaction; for Observations the rollup days their values were in are summed again from the rows that remain.
 */
export async function clearIndexRows(conn: PoolConnection, type: string, pks: readonly number[]): Promise<void> {
  if (pks.length === 0) return;
  const days = type === OBSERVATION ? await rollupDaysOf(conn, pks) : [];
  for (const table of INDEX_TABLES) await conn.query(`DELETE FROM ${table} WHERE resource_pk IN (?)`, [pks]);
  await recomputeRollup(conn, days);
}

function compositeColumns(p: FinishedCompositePart): Field[] {
  return [
    cut(p.system, 255),
    cut(p.code, 255),
    p.num,
    p.start === null ? null : new Date(p.start),
    p.end === null ? null : new Date(p.end),
    p.canonical?.value ?? null,
    cut(p.canonical?.code ?? null, 100),
  ];
}

async function insertRows(conn: PoolConnection, table: Table, rows: readonly Row[]): Promise<void> {
  const head = `INSERT INTO ${table} (${TABLES[table].join(',')}) VALUES `;
  // Values escaped straight into the text (as the connection's own formatting would, in its time zone) rather than
  // a placeholder per value for mysql2 to replace; it still scans the whole text for `?`, which LOAD DATA avoids.
  let values = '';
  for (const row of rows) {
    let tuple = '(';
    for (let j = 0; j < row.length; j++) tuple += (j === 0 ? '' : ',') + conn.escape(row[j]);
    tuple += ')';
    if (values.length > 0 && values.length + tuple.length > MAX_STATEMENT_CHARS) {
      await conn.query(head + values);
      values = '';
    }
    values += values.length > 0 ? `,${tuple}` : tuple;
  }
  if (values.length > 0) await conn.query(head + values);
}
