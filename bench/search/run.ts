// bench/search: loads N Observations of synthetic pain records through the write path, then times the
// searches of queries.ts over HTTP at 1 and 8 concurrent clients (p50, p99, requests/s), beside a read by
// id in the same run, and shows MariaDB's EXPLAIN for each search.
// Usage: npm run bench:search -- [--observations 1000000] [--requests 200] [--reuse | --load-only] [--skip name,...]
import { cpus, totalmem } from 'node:os';
import mysql from 'mysql2/promise';
import { buildApp } from '../../server/src/app.js';
import { loadConfig } from '../../server/src/config.js';
import { handleFhirRequest } from '../../server/src/fhir/router.js';
import { startServer } from '../ingest/start-server.js';
import { explainQuery } from './explain.js';
import { OBSERVATIONS_PER_PATIENT, medicationsBundle, patientBundles } from './generate.js';
import { QUERIES } from './queries.js';
import { args, option } from '../support/options.js';

const observations = option('observations', 100_000);
const requests = option('requests', 200);
const patients = Math.ceil(observations / OBSERVATIONS_PER_PATIENT);
const root = process.env.BENCH_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306';
const database = `fibrotrack_bench_search_${patients}`;
const url = `${root}/${database}`;

async function load(): Promise<void> {
  const admin = await mysql.createConnection(root);
  await admin.query(`DROP DATABASE IF EXISTS ${database}`);
  await admin.end();
  const app = await buildApp(
    loadConfig({
      DATABASE_URL: url,
      DB_POOL_SIZE: '6',
      AUTH_MODE: 'open',
      // Loading keeps the database busy: a new connection may take longer than a request should wait for one.
      DB_CONNECT_TIMEOUT_MS: process.env.DB_CONNECT_TIMEOUT_MS ?? '10000',
    }),
  );
  const post = (body: unknown) => handleFhirRequest({ method: 'POST', path: '', query: new URLSearchParams(), headers: {}, body }, app.ctx);
  await post(medicationsBundle());
  const start = performance.now();
  let next = 0;
  let written = 0;
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      while (next < patients) {
        for (const bundle of patientBundles(next++)) {
          await post(bundle);
          written += bundle.entry!.length;
        }
        if (next % 50 === 0)
          console.error(`loaded ${next}/${patients} patients, ${(written / ((performance.now() - start) / 1000)).toFixed(0)} resources/s`);
      }
    }),
  );
  console.error(`loaded ${written} resources in ${((performance.now() - start) / 1000).toFixed(0)} s`);
  await app.close();
}

async function time(base: string, path: (i: number) => string, concurrency: number): Promise<{ p50: number; p99: number; rps: number }> {
  const latencies: number[] = [];
  let i = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (i < requests) {
        const p = path(i++);
        const t = performance.now();
        const res = await fetch(`${base}/${p}`);
        if (res.status !== 200) throw new Error(`${p}: ${res.status} ${(await res.text()).slice(0, 200)}`);
        await res.arrayBuffer();
        latencies.push(performance.now() - t);
      }
    }),
  );
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))];
  return { p50: at(0.5), p99: at(0.99), rps: requests / ((performance.now() - start) / 1000) };
}

if (!args.includes('--reuse')) await load();
// --load-only: build the database now, measure later with --reuse (a 10M load takes most of an hour).
if (args.includes('--load-only')) process.exit(0);
// AUTH_MODE=open: this measures search, not token checks (the baseline read pays the same either way).
const server = await startServer({ DATABASE_URL: url, AUTH_MODE: 'open' });
const patientOf = (i: number) => (i * 7919) % patients;
const lines: string[] = [];
const baseline = { name: 'read Patient by id (baseline)', path: (i: number) => `Patient/bench-p${patientOf(i)}` };
const results: { name: string; c1: Awaited<ReturnType<typeof time>>; c8: Awaited<ReturnType<typeof time>> }[] = [];
// --skip name,name: leave out queries (by the start of their name), e.g. a slow one when re-measuring old code.
const skip = (args[args.indexOf('--skip') + 1] ?? '').split(',').filter((x) => args.includes('--skip') && x);
const measured = QUERIES.filter((q) => !skip.some((x) => q.name.startsWith(x)));
try {
  for (const q of [baseline, ...measured.map((x) => ({ name: x.name, path: (i: number) => x.path(patientOf(i)) }))]) {
    await time(server.base, q.path, 4); // warm-up
    results.push({ name: q.name, c1: await time(server.base, q.path, 1), c8: await time(server.base, q.path, 8) });
  }
} finally {
  await server.stop();
}
const conn = await mysql.createConnection(url);
const [[{ n }]] = (await conn.query("SELECT COUNT(*) AS n FROM resource WHERE res_type = 'Observation'")) as unknown as [{ n: number }[]];
const [[{ bytes }]] = (await conn.query(
  'SELECT SUM(data_length + index_length) AS bytes FROM information_schema.tables WHERE table_schema = ?',
  [database],
)) as unknown as [{ bytes: number }[]];
const [[{ pool }]] = (await conn.query('SELECT @@innodb_buffer_pool_size AS pool')) as unknown as [{ pool: number }[]];
const base = results[0];
lines.push(
  `## search ${new Date().toISOString().slice(0, 10)} (${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB), ${Number(n).toLocaleString('en')} Observations, ${patients} patients, ` +
    `database ${(Number(bytes) / 2 ** 30).toFixed(1)} GiB, buffer pool ${(Number(pool) / 2 ** 30).toFixed(0)} GiB, ${requests} requests per cell`,
);
lines.push('| query | p50 ms (1 client) | p99 ms (1) | req/s (1) | p50 ms (8 clients) | p99 ms (8) | req/s (8) | p50 ratio to read (1) |');
lines.push('| --- | --- | --- | --- | --- | --- | --- | --- |');
for (const r of results) {
  lines.push(
    `| ${r.name} | ${r.c1.p50.toFixed(1)} | ${r.c1.p99.toFixed(1)} | ${r.c1.rps.toFixed(0)} | ${r.c8.p50.toFixed(1)} | ${r.c8.p99.toFixed(1)} | ${r.c8.rps.toFixed(0)} | ${(r.c1.p50 / base.c1.p50).toFixed(1)} |`,
  );
}
lines.push('', 'EXPLAIN (table: access type, key, estimated rows):');
for (const q of measured) lines.push(`- ${q.name}: ${await explainQuery(conn, q.path(patientOf(1)))}`);
await conn.end();
console.log(lines.join('\n'));
process.exit(0);
