// The SQL a search path runs (bench/search/search-statements.ts builds it with the server's modules), run directly
// against a benchmark database: per path the median time of 5 runs, the session's Handler_read_* rows (work that
// a busy machine does not skew), the statements it took and MariaDB's EXPLAIN of each statement. For finding why a mix shape is slow.
// Usage: tsx bench/mix/explain.ts <database> '<Type?query>' ['<Type?query>'...]
import mysql, { type RowDataPacket } from 'mysql2/promise';
import { explainQuery } from '../search/explain.js';
import { runSearchStatements } from '../search/search-statements.js';

const [database, ...paths] = process.argv.slice(2).filter((a) => a !== '--sql');
const conn = await mysql.createConnection(`${process.env.BENCH_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306'}/${database}`);
const reads = async () => {
  const [rows] = await conn.query<RowDataPacket[]>("SHOW SESSION STATUS LIKE 'Handler_read%'");
  return rows.reduce((n, r) => n + Number(r.Value), 0);
};
try {
  for (const path of paths) {
    const times: number[] = [];
    let work = 0;
    let statements = 0;
    for (let i = 0; i < 5; i++) {
      const before = await reads();
      const t = performance.now();
      statements = (await runSearchStatements(conn, path)).length;
      times.push(performance.now() - t);
      work = (await reads()) - before;
    }
    times.sort((a, b) => a - b);
    console.log(
      `${path}\n  ${times[2].toFixed(1)} ms, ${work.toLocaleString('en')} rows read, ${statements} statements\n  ${await explainQuery(conn, path)}`,
    );
    if (process.argv.includes('--sql')) for (const s of await runSearchStatements(conn, path)) console.log(`  SQL: ${s.text}`);
  }
} finally {
  await conn.end();
}
