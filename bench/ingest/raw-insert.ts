// Baseline for bench/ingest: the same resources as JSON rows, one multi-row INSERT per bundle.
import mysql from 'mysql2/promise';

export async function rawInsert(url: string, bodies: string[], clients: number): Promise<void> {
  const u = new URL(url);
  const database = u.pathname.slice(1);
  const admin = await mysql.createConnection(`${u.protocol}//${u.username}@${u.host}`);
  await admin.query(`CREATE DATABASE ${database}`);
  await admin.query(
    `CREATE TABLE ${database}.raw_resource (pk BIGINT AUTO_INCREMENT PRIMARY KEY, res_type VARCHAR(64), res_id VARCHAR(64), content LONGTEXT) ENGINE=InnoDB`,
  );
  await admin.end();
  const pool = mysql.createPool({ uri: url, connectionLimit: clients });
  let next = 0;
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (next < bodies.length) {
        const bundle = JSON.parse(bodies[next++]) as { entry: { fullUrl: string; resource: { resourceType: string } }[] };
        const rows = bundle.entry.map((e) => [e.resource.resourceType, e.fullUrl.slice(-36), JSON.stringify(e.resource)]);
        await pool.query('INSERT INTO raw_resource (res_type, res_id, content) VALUES ?', [rows]);
      }
    }),
  );
  await pool.end();
}
