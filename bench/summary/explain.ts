// The statements Patient/$summary makes (one search or $lastn per section, as the summary's sections build them),
// each run directly on the bench database: MariaDB's EXPLAIN, its median time and its index and row reads
// (session Handler_read_* counters), beside the baseline search. Usage: tsx bench/summary/explain.ts [--days 365]
import mysql from 'mysql2/promise';
import { explainQuery } from '../search/explain.js';
import { runSearchStatements } from '../search/search-statements.js';

const args = process.argv.slice(2);
const days = args.includes('--days') ? Number(args[args.indexOf('--days') + 1]) : 365;
const CATEGORY = 'http://terminology.hl7.org/CodeSystem/observation-category';
const LOINC = 'http://loinc.org';
const QUERIES: [name: string, path: string][] = [
  ['problems', 'Condition?patient=big&_count=100'],
  ['allergies', 'AllergyIntolerance?patient=big&_count=100'],
  ['medications (statements)', 'MedicationStatement?patient=big&_count=100'],
  ['medications (requests)', 'MedicationRequest?patient=big&_count=100'],
  ['results', `Observation?patient=big&category=${CATEGORY}|laboratory&_sort=-date&_count=100`],
  ['vital signs', `Observation/$lastn?patient=big&category=${CATEGORY}|vital-signs`],
  ['pain', `Observation?patient=big&code=${LOINC}|72514-3&_sort=-date&_count=100`],
  ['wearables', `Observation/$lastn?patient=big&code=${['40443-4', '93832-4', '41950-7'].map((c) => `${LOINC}|${c}`).join(',')}`],
  ['baseline', 'Observation?subject=Patient/big&_count=100'],
];

const conn = await mysql.createConnection(
  `${process.env.BENCH_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306'}/fibrotrack_bench_summary_${days}`,
);
const reads = async () => {
  const [rows] = await conn.query<mysql.RowDataPacket[]>("SHOW SESSION STATUS LIKE 'Handler_read%'");
  return rows.reduce((n, r) => n + Number(r.Value), 0);
};
const RUNS = 21;
console.log('| section | median ms | rows read | plan |\n| --- | --- | --- | --- |');
for (const [name, path] of QUERIES) {
  const times: number[] = [];
  let work = 0;
  for (let i = 0; i < RUNS; i++) {
    const before = await reads();
    const t = performance.now();
    await runSearchStatements(conn, path);
    times.push(performance.now() - t);
    work += (await reads()) - before;
  }
  times.sort((a, b) => a - b);
  console.log(`| ${name} | ${times[Math.floor(RUNS / 2)].toFixed(1)} | ${Math.round(work / RUNS)} | ${await explainQuery(conn, path)} |`);
}
await conn.end();
