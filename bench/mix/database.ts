// The benchmark's own databases on the shared MariaDB: name per size, whether one is loaded, dropping it.
import mysql, { type RowDataPacket } from 'mysql2/promise';

export const databaseName = (patients: number) => `fibrotrack_bench_mix_${patients}`;

export async function adminQuery<T extends RowDataPacket[]>(root: string, text: string, values: unknown[] = []): Promise<T> {
  const conn = await mysql.createConnection(root);
  try {
    return (await conn.query<T>(text, values))[0];
  } finally {
    await conn.end();
  }
}

/** Patients stored in the benchmark database of that size (0 when it does not exist). */
export async function storedPatients(root: string, patients: number): Promise<number> {
  const [{ n }] = await adminQuery<RowDataPacket[]>(
    root,
    'SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_schema = ? AND table_name = ?',
    [databaseName(patients), 'resource'],
  );
  if (Number(n) === 0) return 0;
  const [row] = await adminQuery<RowDataPacket[]>(
    root,
    `SELECT COUNT(*) AS n FROM ${databaseName(patients)}.resource WHERE res_type = 'Patient' AND deleted = 0`,
  );
  return Number(row.n);
}

export async function dropDatabase(root: string, patients: number): Promise<void> {
  await adminQuery(root, `DROP DATABASE IF EXISTS ${databaseName(patients)}`);
}

/** Moves every table of the `from`-patient database into a new `to`-patient one (RENAME TABLE: no copy), for --grow-from. */
export async function moveDatabase(root: string, from: number, to: number): Promise<void> {
  const tables = await adminQuery<RowDataPacket[]>(root, 'SELECT table_name AS t FROM information_schema.tables WHERE table_schema = ?', [
    databaseName(from),
  ]);
  await adminQuery(root, `CREATE DATABASE ${databaseName(to)}`);
  for (const { t } of tables)
    await adminQuery(root, `RENAME TABLE ${databaseName(from)}.\`${String(t)}\` TO ${databaseName(to)}.\`${String(t)}\``);
  await adminQuery(root, `DROP DATABASE ${databaseName(from)}`);
}
