// The lead walk (server/src/store/mysql/search/lead-walk.ts) against the usual plan on the same database, query by
// query, without HTTP: p50 time and index/row reads (session Handler_read_*) of one page with each plan, and
// which plan the server's cost rule picks. Cross-patient searches only: patient-scoped ones never walk.
// Usage: tsx bench/search/walk-vs-usual.ts <database> [runs]
import mysql from 'mysql2/promise';
import { r4Definitions } from '../../server/src/fhir-services.js';
import { parseSearch } from '../../server/src/search/parse-search.js';
import { searchFacts } from '../../server/src/store/mysql/search/search-facts.js';
import { walkPlan } from '../../server/src/store/mysql/search/walk-plan.js';
import { searchWhere } from '../../server/src/store/mysql/search/where.js';
import { matchPage } from '../../server/src/store/mysql/search/search-page.js';
import type { Sql } from '../../server/src/store/sql.js';
import { DAYS, END } from './generate.js';

const [database, runsArg] = process.argv.slice(2);
const runs = Number(runsArg ?? 15);
const conn = await mysql.createConnection(`${process.env.BENCH_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306'}/${database}`);
const ctx = { baseUrl: 'http://localhost/fhir', now: Date.now(), ...searchFacts(r4Definitions()) };
const day = (d: number) => new Date(END - (DAYS - d) * 86_400_000).toISOString().slice(0, 10);
const PAIN = 'code=http://loinc.org|72514-3';

const QUERIES: { name: string; query: (i: number) => string }[] = [
  {
    name: 'pain > 8 in a date range (the bench query)',
    query: (i) => `${PAIN}&value-quantity=gt8&date=ge${day(i % 300)}&date=le${day((i % 300) + 7)}&_count=50`,
  },
  { name: 'pain scores, any patient', query: () => `${PAIN}&_count=50` },
  { name: 'pain scores of 10', query: () => `${PAIN}&value-quantity=10&_count=50` },
  { name: 'pain scores in the last week', query: () => `${PAIN}&date=ge${day(DAYS - 7)}&_count=50` },
];

const reads = async () =>
  (await conn.query<mysql.RowDataPacket[]>("SHOW SESSION STATUS LIKE 'Handler_read%'"))[0].reduce((n, r) => n + Number(r.Value), 0);

console.log(`${database}, ${runs} runs per cell`);
console.log('| query | usual plan p50 ms | reads | walk p50 ms | reads | statements | server picks |');
console.log('| --- | --- | --- | --- | --- | --- | --- |');
for (const q of QUERIES) {
  const cells: string[] = [];
  let statements = 0;
  let picked = 'usual';
  for (const mode of ['usual', 'walk'] as const) {
    const times: number[] = [];
    let work = 0;
    for (let i = 0; i < runs; i++) {
      const request = parseSearch('Observation', new URLSearchParams(q.query(i * 37)), r4Definitions());
      const ran: Sql[] = [];
      const run = async (s: Sql) => {
        ran.push(s);
        return (await conn.query(s.text, s.values as unknown[]))[0] as never[];
      };
      const before = await reads();
      const t = performance.now();
      await matchPage(request, searchWhere(request, ctx), run, ctx.derived, mode === 'walk' ? walkPlan(request, ctx) : undefined);
      times.push(performance.now() - t);
      work += (await reads()) - before;
      if (mode === 'walk') {
        statements = ran.length;
        // No walk statement: the estimate made the usual plan the cheaper one from the start.
        picked = ran.some((s) => s.text.includes('STRAIGHT_JOIN')) ? 'walk' : 'usual';
      }
    }
    times.sort((a, b) => a - b);
    cells.push(times[Math.floor(runs / 2)].toFixed(1), Math.round(work / runs).toLocaleString('en'));
  }
  console.log(`| ${q.name} | ${cells.join(' | ')} | ${statements} | ${picked} |`);
}
await conn.end();
