// bench/summary: Patient/$summary (IPS) for a patient with a year of daily pain scores and wearable data (issue 18:
// p50 < 200 ms), over HTTP against `fibrotrack serve`, beside a baseline in the same run: a plain search of the same
// patient's Observations with _count=100. Requests alternate between the two so both see the same machine load.
// Usage: npx tsx bench/summary/run.ts [--days 365] [--others 20] [--requests 50] [--reuse]
import { cpus, totalmem } from 'node:os';
import mysql from 'mysql2/promise';
import { buildApp } from '../../server/src/app.js';
import { loadConfig } from '../../server/src/config.js';
import { handleFhirRequest } from '../../server/src/fhir/router.js';
import { startServer } from '../ingest/start-server.js';
import { summaryBundles } from './generate.js';
import { args, option } from '../support/options.js';

const days = option('days', 365);
const others = option('others', 20);
const requests = option('requests', 50);
const root = process.env.BENCH_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306';
const database = `fibrotrack_bench_summary_${days}`;
const url = `${root}/${database}`;

async function load(): Promise<void> {
  const admin = await mysql.createConnection(root);
  await admin.query(`DROP DATABASE IF EXISTS ${database}`);
  await admin.end();
  const app = await buildApp(loadConfig({ DATABASE_URL: url, DB_POOL_SIZE: '6', AUTH_MODE: 'open' }));
  const post = async (body: unknown) => {
    const res = await handleFhirRequest({ method: 'POST', path: '', query: new URLSearchParams(), headers: {}, body }, app.ctx);
    if (res.status !== 200) throw new Error(`load: ${res.status} ${JSON.stringify(res.resource).slice(0, 500)}`);
  };
  const t = performance.now();
  let n = 0;
  for (const id of ['big', ...Array.from({ length: others }, (_, p) => `other-${p}`)]) {
    for (const b of summaryBundles(id, days)) {
      await post(b);
      n += b.entry!.length;
    }
  }
  console.error(`loaded ${n} resources in ${((performance.now() - t) / 1000).toFixed(0)} s`);
  await app.close();
}

const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
const pct = (xs: number[], p: number) => sorted(xs)[Math.min(xs.length - 1, Math.floor(xs.length * p))];

async function timed(href: string): Promise<{ ms: number; entries: number; bytes: number }> {
  const t = performance.now();
  const res = await fetch(href);
  const text = await res.text();
  const ms = performance.now() - t;
  if (res.status !== 200) throw new Error(`${href}: ${res.status} ${text.slice(0, 300)}`);
  return { ms, entries: (JSON.parse(text) as { entry?: unknown[] }).entry?.length ?? 0, bytes: text.length };
}

if (!args.includes('--reuse')) await load();
const server = await startServer({ DATABASE_URL: url, AUTH_MODE: 'open', BASE_URL: 'http://127.0.0.1' });
try {
  const conn = await mysql.createConnection(root);
  const [pool] = await conn.query<mysql.RowDataPacket[]>('SELECT @@innodb_buffer_pool_size AS b, VERSION() AS v');
  await conn.end();
  console.log(
    `${new Date().toISOString().slice(0, 10)}, ${cpus().length} cores (${cpus()[0].model}), ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, MariaDB ${pool[0].v}, innodb_buffer_pool_size ${Number(pool[0].b) / 2 ** 20} MiB`,
  );
  const summaryUrl = `${server.base}/Patient/big/$summary`;
  const baselineUrl = `${server.base}/Observation?subject=Patient/big&_count=100`;
  for (let i = 0; i < 5; i++) await Promise.all([timed(summaryUrl), timed(baselineUrl)]); // warm-up
  const s: number[] = [];
  const b: number[] = [];
  let last = { s: { entries: 0, bytes: 0 }, b: { entries: 0, bytes: 0 } };
  for (let i = 0; i < requests; i++) {
    const rs = await timed(summaryUrl);
    const rb = await timed(baselineUrl);
    s.push(rs.ms);
    b.push(rb.ms);
    last = { s: rs, b: rb };
  }
  console.log(
    [
      '| measure | p50 ms | p95 ms | baseline p50 ms | baseline p95 ms | ratio (p50) |',
      '| --- | --- | --- | --- | --- | --- |',
      `| \`Patient/big/$summary\` (${last.s.entries} entries, ${(last.s.bytes / 1024).toFixed(0)} KiB; baseline ${last.b.entries} entries, ${(last.b.bytes / 1024).toFixed(0)} KiB) | ` +
        `${pct(s, 0.5).toFixed(1)} | ${pct(s, 0.95).toFixed(1)} | ${pct(b, 0.5).toFixed(1)} | ${pct(b, 0.95).toFixed(1)} | ${(pct(s, 0.5) / pct(b, 0.5)).toFixed(2)} |`,
    ].join('\n'),
  );
} finally {
  await server.stop();
}
process.exit(0);
