// bench/ingest: loads Synthea transaction Bundles through the HTTP API with N concurrent clients and
// compares the rate with raw mysql2 multi-row inserts of the same resources into the same MariaDB.
// The server runs as `fibrotrack serve` in its own processes (WORKERS, default 1 like the server's).
// Usage: npm run bench:ingest -- [fixtures-dir] [--clients 4] [--rounds 3] [--workers N]
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { cpus, totalmem } from 'node:os';
import mysql from 'mysql2/promise';
import { rawInsert } from './raw-insert.js';
import { checkReferences } from './check-references.js';
import { startServer } from './start-server.js';
import { args, option } from '../support/options.js';

const dir = resolve(args.find((a, i) => !a.startsWith('--') && !args[i - 1]?.startsWith('--')) ?? '../shared/fixtures/synthea');
const clients = option('clients', 4);
const rounds = option('rounds', 3);
const workers = option('workers', 1);
const root = process.env.BENCH_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306';
const database = process.env.BENCH_DATABASE ?? 'fibrotrack_bench';

// Shared organisations and practitioners come first, as Synthea's own loader does.
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .sort((a, b) => Number(!a.startsWith('hospital')) - Number(!b.startsWith('hospital')) || a.localeCompare(b));
const bodies = files.map((f) => readFileSync(join(dir, f), 'utf8'));
const resourceCount = bodies.reduce((n, b) => n + ((JSON.parse(b) as { entry?: unknown[] }).entry?.length ?? 0), 0);

async function resetDatabase(): Promise<void> {
  const conn = await mysql.createConnection(root);
  await conn.query(`DROP DATABASE IF EXISTS ${database}`);
  await conn.end();
}

async function runApi(): Promise<number> {
  await resetDatabase();
  // AUTH_MODE=open: this measures ingest, not token checks.
  const server = await startServer({
    DATABASE_URL: `${root}/${database}`,
    WORKERS: String(workers),
    DB_POOL_SIZE: String(clients + 2),
    AUTH_MODE: 'open',
  });
  const post = async (body: string) => {
    const res = await fetch(server.base, {
      method: 'POST',
      body,
      headers: { 'Content-Type': 'application/fhir+json', Prefer: 'return=minimal' },
    });
    if (res.status !== 200) throw new Error(`bundle failed: ${res.status} ${(await res.text()).slice(0, 300)}`);
    await res.arrayBuffer();
  };
  const start = performance.now();
  let seconds: number;
  // A failed bundle must not leave the server (its own process tree) running.
  try {
    await post(bodies[0]);
    let next = 1;
    await Promise.all(
      Array.from({ length: clients }, async () => {
        while (next < bodies.length) await post(bodies[next++]);
      }),
    );
    seconds = (performance.now() - start) / 1000;
  } finally {
    await server.stop();
  }
  const check = await checkReferences(`${root}/${database}`);
  if (check.dangling.length > 0)
    throw new Error(`${check.dangling.length} references do not resolve, e.g. ${check.dangling.slice(0, 3).join(', ')}`);
  console.error(`loaded ${check.resources} resources; all ${check.references} references resolve`);
  return resourceCount / seconds;
}

async function runRaw(): Promise<number> {
  await resetDatabase();
  const start = performance.now();
  await rawInsert(`${root}/${database}`, bodies, clients);
  return resourceCount / ((performance.now() - start) / 1000);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const api: number[] = [];
const raw: number[] = [];
for (let r = 0; r < rounds; r++) {
  raw.push(await runRaw());
  api.push(await runApi());
  console.error(`round ${r + 1}: api ${api[r].toFixed(0)} resources/s, raw insert ${raw[r].toFixed(0)} resources/s`);
}
await resetDatabase();
const a = median(api);
const b = median(raw);
console.log(
  `## ingest ${new Date().toISOString().slice(0, 10)} (${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, ${cpus()[0].model})`,
);
console.log(
  `${files.length} bundles, ${resourceCount} resources, ${clients} concurrent clients, ${workers} server workers, median of ${rounds} rounds`,
);
console.log(`| path | resources/s | ratio to raw insert |`);
console.log(`| --- | --- | --- |`);
console.log(`| raw mysql2 multi-row insert (baseline) | ${b.toFixed(0)} | 1.00 |`);
console.log(`| FHIR transaction Bundles over HTTP | ${a.toFixed(0)} | ${(a / b).toFixed(2)} |`);
process.exit(0);
