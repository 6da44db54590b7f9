// bench/everything: Patient/$everything for a patient with 10,000 resources (issue 18: first page p50 < 50 ms,
// all pages < 2 s), over HTTP against `fibrotrack serve`, beside a baseline in the same run: a plain search of
// the same patient's Observations (first page, and all pages at the same _count).
// Usage: npx tsx bench/everything/run.ts [--size 10000] [--others 20] [--requests 50] [--runs 5] [--reuse]
import { cpus, totalmem } from 'node:os';
import mysql from 'mysql2/promise';
import { buildApp } from '../../server/src/app.js';
import { loadConfig } from '../../server/src/config.js';
import { handleFhirRequest } from '../../server/src/fhir/router.js';
import { startServer } from '../ingest/start-server.js';
import { recordBundles, sharedBundle } from './generate.js';
import { args, option } from '../support/options.js';

const size = option('size', 10_000);
const others = option('others', 20);
const requests = option('requests', 50);
const runs = option('runs', 5);
const root = process.env.BENCH_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306';
const database = `fibrotrack_bench_everything_${size}`;
const url = `${root}/${database}`;

async function load(): Promise<void> {
  const admin = await mysql.createConnection(root);
  await admin.query(`DROP DATABASE IF EXISTS ${database}`);
  await admin.end();
  const { ctx, close } = await buildApp(loadConfig({ DATABASE_URL: url, DB_POOL_SIZE: '6', AUTH_MODE: 'open' }));
  const post = async (body: unknown) => {
    const res = await handleFhirRequest({ method: 'POST', path: '', query: new URLSearchParams(), headers: {}, body }, ctx);
    if (res.status !== 200) throw new Error(`load: ${res.status}`);
  };
  await post(sharedBundle());
  const t = performance.now();
  for (const b of recordBundles('big', size)) await post(b);
  for (let p = 0; p < others; p++) for (const b of recordBundles(`other-${p}`, 1000)) await post(b);
  console.error(`loaded ${size + others * 1000} resources in ${((performance.now() - t) / 1000).toFixed(0)} s`);
  await close();
}

const ms = (t: number) => performance.now() - t;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const p99 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * 0.99))];

async function getJson(href: string): Promise<{ entry?: unknown[]; link?: { relation: string; url: string }[] }> {
  const res = await fetch(href);
  if (res.status !== 200) throw new Error(`${href}: ${res.status} ${(await res.text()).slice(0, 200)}`);
  return res.json() as never;
}

/** Latencies of `requests` first-page requests. */
async function firstPage(base: string, path: string): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < requests; i++) {
    const t = performance.now();
    await getJson(`${base}/${path}`);
    out.push(ms(t));
  }
  return out;
}

/** Time to follow every next link, `runs` times; also the entries and pages of the last run. */
async function allPages(base: string, path: string): Promise<{ times: number[]; entries: number; pages: number }> {
  const times: number[] = [];
  let entries = 0;
  let pages = 0;
  for (let r = 0; r < runs; r++) {
    const t = performance.now();
    [entries, pages] = [0, 0];
    let next: string | undefined = `${base}/${path}`;
    while (next) {
      const b = await getJson(next);
      entries += b.entry?.length ?? 0;
      pages++;
      next = b.link?.find((l) => l.relation === 'next')?.url.replace(/^https?:\/\/[^/]+\/fhir/, base);
    }
    times.push(ms(t));
  }
  return { times, entries, pages };
}

if (!args.includes('--reuse')) await load();
const server = await startServer({ DATABASE_URL: url, AUTH_MODE: 'open', BASE_URL: 'http://127.0.0.1' });
try {
  const [pool] = await (
    await mysql.createConnection(root)
  ).query<mysql.RowDataPacket[]>('SELECT @@innodb_buffer_pool_size AS b, VERSION() AS v');
  console.log(
    `${new Date().toISOString().slice(0, 10)}, ${cpus().length} cores (${cpus()[0].model}), ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, MariaDB ${pool[0].v}, innodb_buffer_pool_size ${Number(pool[0].b) / 2 ** 20} MiB`,
  );
  const base = server.base;
  const rows: string[] = ['| measure | p50 ms | p99 ms | baseline p50 ms | ratio |', '| --- | --- | --- | --- | --- |'];
  for (const count of [20, 1000]) {
    const e = await firstPage(base, `Patient/big/$everything?_count=${count}`);
    const s = await firstPage(base, `Observation?subject=Patient/big&_count=${count}`);
    rows.push(
      `| first page, _count=${count} | ${median(e).toFixed(1)} | ${p99(e).toFixed(1)} | ${median(s).toFixed(1)} | ${(median(e) / median(s)).toFixed(2)} |`,
    );
  }
  const e = await allPages(base, 'Patient/big/$everything?_count=1000');
  const s = await allPages(base, 'Observation?subject=Patient/big&_count=1000');
  rows.push(
    `| all pages, _count=1000 (${e.entries} resources, ${e.pages} pages; baseline ${s.entries} in ${s.pages}) | ${median(e.times).toFixed(0)} | ${Math.max(...e.times).toFixed(0)} (max) | ${median(s.times).toFixed(0)} | ${(median(e.times) / median(s.times)).toFixed(2)} |`,
  );
  console.log(rows.join('\n'));
} finally {
  await server.stop();
}
process.exit(0);
