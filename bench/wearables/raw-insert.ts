// Baseline for bench/wearables/e2e.ts: the rows an import stored (resource, history and every index row of its
// Observations and Devices), written again with plain mysql2 multi-row INSERTs into empty copies of the same tables,
// in transactions of the import's batch size: how fast this MariaDB takes these rows with no server in between.
// Then the same rows copied inside MariaDB (INSERT ... SELECT, one statement per table): no client, no SQL text to
// parse, only the storage engine writing the rows and their indexes, the floor for any client.
import mysql from 'mysql2/promise';

const TABLES = [
  'resource',
  'resource_history',
  'idx_token',
  'idx_string',
  'idx_date',
  'idx_number',
  'idx_quantity',
  'idx_reference',
  'idx_uri',
  'idx_composite',
];
const ROWS_PER_STATEMENT = 5000;

export interface RawInsert {
  seconds: number;
  /** INSERT ... SELECT of the same rows, inside the server. */
  copySeconds: number;
  resources: number;
  rows: number;
}

export async function rawInsert(root: string, source: string, batchSize: number): Promise<RawInsert> {
  const target = `${source}_raw`;
  // timezone 'Z' as the server's pool uses, so DATETIMEs read back as Dates are written back unchanged.
  const conn = await mysql.createConnection({ uri: root, timezone: 'Z', supportBigNumbers: true });
  try {
    await conn.query(`DROP DATABASE IF EXISTS ${target}`);
    await conn.query(`CREATE DATABASE ${target} CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`);
    const [pkRows] = await conn.query<mysql.RowDataPacket[]>(
      `SELECT pk FROM ${source}.resource WHERE res_type IN ('Observation', 'Device') ORDER BY pk`,
    );
    const pks = pkRows.map((r) => Number(r.pk));
    const tables: { table: string; cols: string[]; pkCol: string }[] = [];
    for (const table of TABLES) {
      await conn.query(`CREATE TABLE ${target}.${table} LIKE ${source}.${table}`);
      const [, fields] = await conn.query({ sql: `SELECT * FROM ${source}.${table} LIMIT 0`, rowsAsArray: true });
      const cols = fields.map((f) => f.name);
      // history's seq is AUTO_INCREMENT: let the copy assign its own, as the import's inserts do.
      tables.push({
        table,
        cols: table === 'resource_history' ? cols.filter((c) => c !== 'seq') : cols,
        pkCol: table === 'resource' ? 'pk' : 'resource_pk',
      });
    }
    // Each transaction's rows are read just before it (a gigabyte import's rows do not fit in memory), off the clock.
    let rows = 0;
    let seconds = 0;
    for (let b = 0; b < pks.length; b += batchSize) {
      // A run of the sorted pks: its range holds no other Observation or Device.
      const batch = pks.slice(b, b + batchSize);
      const batchRows: unknown[][][] = [];
      for (const { table, cols, pkCol } of tables) {
        const [result] = await conn.query({
          sql: `SELECT ${cols.join(',')} FROM ${source}.${table} WHERE ${pkCol} BETWEEN ? AND ? AND res_type IN ('Observation', 'Device') ORDER BY ${pkCol}`,
          values: [batch[0], batch[batch.length - 1]],
          rowsAsArray: true,
        });
        batchRows.push(result as unknown as unknown[][]);
      }
      const start = performance.now();
      await conn.beginTransaction();
      for (let t = 0; t < tables.length; t++) {
        const { table, cols } = tables[t];
        const tableRows = batchRows[t];
        rows += tableRows.length;
        const tuple = `(${cols.map(() => '?').join(',')})`;
        for (let i = 0; i < tableRows.length; i += ROWS_PER_STATEMENT) {
          const chunk = tableRows.slice(i, i + ROWS_PER_STATEMENT);
          await conn.query(`INSERT INTO ${target}.${table} (${cols.join(',')}) VALUES ${chunk.map(() => tuple).join(',')}`, chunk.flat());
        }
      }
      await conn.commit();
      seconds += (performance.now() - start) / 1000;
    }
    const copyStart = performance.now();
    for (const { table, cols } of tables) {
      await conn.query(`CREATE TABLE ${target}.copy_${table} LIKE ${source}.${table}`);
      await conn.query(
        `INSERT INTO ${target}.copy_${table} (${cols.join(',')}) SELECT ${cols.join(',')} FROM ${source}.${table} WHERE res_type IN ('Observation', 'Device')`,
      );
    }
    return { seconds, copySeconds: (performance.now() - copyStart) / 1000, resources: pks.length, rows };
  } finally {
    await conn.query(`DROP DATABASE IF EXISTS ${target}`).catch(() => undefined);
    await conn.end();
  }
}
