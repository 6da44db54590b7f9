// Runs the SQL of each bench query directly against the database (no HTTP, no JSON): its time, and the index
// and row reads it makes (session Handler_read_* counters), a measure of work that a busy machine does not skew.
// Usage: tsx bench/search/sql-time.ts <database> [patients]
import mysql from 'mysql2/promise';
import { r4Definitions } from '../../server/src/app.js';
import { parseSearch } from '../../server/src/search/parse-search.js';
import { searchFacts } from '../../server/src/search/search-facts.js';
import { searchWhere } from '../../server/src/search/search-sql.js';
import { lastnSql } from '../../server/src/store/mysql/lastn-sql.js';
import { matchPage } from '../../server/src/store/mysql/search-page.js';
import type { Sql } from '../../server/src/store/sql.js';
import { QUERIES } from './queries.js';

const [database, patientsArg] = process.argv.slice(2);
const patients = Number(patientsArg ?? 914);
const conn = await mysql.createConnection(`${process.env.BENCH_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306'}/${database}`);
const ctx = { baseUrl: 'http://localhost/fhir', now: Date.now(), ...searchFacts(r4Definitions()) };

async function sqlOf(path: string): Promise<Sql> {
  const [target, query] = path.split('?');
  const params = new URLSearchParams(query);
  if (target.endsWith('$lastn')) {
    const max = Number(params.get('max') ?? 1);
    params.delete('max');
    return lastnSql(searchWhere(parseSearch('Observation', params, r4Definitions()), ctx), max);
  }
  const request = parseSearch(target, params, r4Definitions());
  let captured: Sql | undefined;
  await matchPage(request, searchWhere(request, ctx), async (q) => { captured = q; return []; });
  return captured!;
}

const reads = async () => {
  const [rows] = await conn.query<mysql.RowDataPacket[]>("SHOW SESSION STATUS LIKE 'Handler_read%'");
  return rows.reduce((n, r) => n + Number(r.Value), 0);
};
const RUNS = 30;
for (const q of QUERIES) {
  const times: number[] = [];
  let work = 0;
  for (let i = 0; i < RUNS; i++) {
    const s = await sqlOf(q.path((i * 7919) % patients));
    const before = await reads();
    const t = performance.now();
    await conn.query(s.text, s.values as unknown[]);
    times.push(performance.now() - t);
    work += (await reads()) - before;
  }
  times.sort((a, b) => a - b);
  console.log(`| ${q.name} | ${times[RUNS / 2].toFixed(1)} | ${Math.round(work / RUNS).toLocaleString('en')} |`);
}
await conn.end();
