// Runs the SQL of each bench query directly against the database (no HTTP; every statement the search runs): its time, and the index
// and row reads it makes (session Handler_read_* counters), a measure of work that a busy machine does not skew.
// Usage: tsx bench/search/sql-time.ts <database> [patients]
import mysql from 'mysql2/promise';
import { QUERIES } from './queries.js';
import { runSearchStatements } from './search-statements.js';

const [database, patientsArg] = process.argv.slice(2);
const patients = Number(patientsArg ?? 914);
const conn = await mysql.createConnection(`${process.env.BENCH_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306'}/${database}`);

const reads = async () => {
  const [rows] = await conn.query<mysql.RowDataPacket[]>("SHOW SESSION STATUS LIKE 'Handler_read%'");
  return rows.reduce((n, r) => n + Number(r.Value), 0);
};
const RUNS = 30;
for (const q of QUERIES) {
  const times: number[] = [];
  let work = 0;
  for (let i = 0; i < RUNS; i++) {
    const before = await reads();
    const t = performance.now();
    await runSearchStatements(conn, q.path((i * 7919) % patients));
    times.push(performance.now() - t);
    work += (await reads()) - before;
  }
  times.sort((a, b) => a - b);
  console.log(`| ${q.name} | ${times[RUNS / 2].toFixed(1)} | ${Math.round(work / RUNS).toLocaleString('en')} |`);
}
await conn.end();
