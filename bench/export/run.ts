// bench/export: Bulk Data $export throughput at 1M+ resources. The search benchmark's generator (bench/search)
// builds the records; they are stored as the write path stores them (one resource row and one JSON history row
// each; search indexes are not needed by a system export). Then, in the same run: the baseline, a SELECT of the
// same stored JSON rows streamed to a file; the export to the local folder; the export to Azurite. Resources/s,
// ratios to the baseline, and this process's RSS sampled every 100 ms (the export runs in-process).
// Usage: npm run bench:export -- [--resources 1000000] [--reuse] [--buffer-pool-mb 1024] [--skip azurite]
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import mysql from 'mysql2/promise';
import mysqlCallback from 'mysql2';
import { buildFhirServices } from '../../server/src/fhir-services.js';
import { loadConfig } from '../../server/src/config.js';
import { startAzurite } from '../../tests/support/azurite.js';
import { OBSERVATIONS_PER_PATIENT, medicationsBundle, patientBundles } from '../search/generate.js';
import { args, option } from '../support/options.js';

const skip = new Set((args[args.indexOf('--skip') + 1] ?? '').split(',').filter(() => args.includes('--skip')));
const wanted = option('resources', 1_000_000);
const bufferPoolMb = option('buffer-pool-mb', 0);
const perPatient = OBSERVATIONS_PER_PATIENT + 4;
const patients = Math.ceil(wanted / perPatient);
const root = process.env.BENCH_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306';
const database = `fibrotrack_bench_export_${patients}`;
const url = `${root}/${database}`;

/** Stores every generated resource as version 1, through multi-row INSERTs of 2000 rows. */
async function load(): Promise<number> {
  const admin = await mysql.createConnection(root);
  await admin.query(`DROP DATABASE IF EXISTS ${database}`);
  await admin.end();
  const services = await buildFhirServices(loadConfig({ DATABASE_URL: url, AUTH_MODE: 'open' }));
  await services.close();
  const db = await mysql.createConnection(url);
  const stamp = new Date(Date.UTC(2026, 10, 2));
  // The server stored its conformance resources at start: ours come after them.
  const [[{ top }]] = (await db.query('SELECT COALESCE(MAX(pk), 0) AS top FROM resource')) as unknown as [[{ top: number }]];
  const first = Number(top) + 1;
  let pk = first;
  let rows: { pk: number; type: string; id: string; content: string }[] = [];
  const flush = async () => {
    if (rows.length === 0) return;
    await db.query('INSERT INTO resource (pk, res_type, res_id, version_id, last_updated, deleted) VALUES ?', [
      rows.map((r) => [r.pk, r.type, r.id, 1, stamp, 0]),
    ]);
    await db.query(
      'INSERT INTO resource_history (resource_pk, res_type, res_id, version_id, last_updated, method, deleted, content) VALUES ?',
      [rows.map((r) => [r.pk, r.type, r.id, 1, stamp, 'POST', 0, r.content])],
    );
    rows = [];
  };
  const add = async (resource: Record<string, unknown>) => {
    const id = (resource.id as string | undefined) ?? `r${pk}`;
    const stored = { ...resource, id, meta: { versionId: '1', lastUpdated: stamp.toISOString() } };
    rows.push({ pk: pk++, type: String(resource.resourceType), id, content: JSON.stringify(stored) });
    if (rows.length >= 2000) await flush();
  };
  const start = performance.now();
  for (const e of medicationsBundle().entry!) await add(e.resource as never);
  for (let n = 0; n < patients; n++) {
    for (const bundle of patientBundles(n)) for (const e of bundle.entry!) await add(e.resource as never);
    if (n % 100 === 99)
      console.error(`stored ${pk - first} resources, ${((pk - first) / ((performance.now() - start) / 1000)).toFixed(0)}/s`);
  }
  await flush();
  await db.end();
  return pk - first;
}

function sampleRss(): { stop(): number } {
  let max = process.memoryUsage.rss();
  const timer = setInterval(() => (max = Math.max(max, process.memoryUsage.rss())), 100);
  return { stop: () => (clearInterval(timer), Math.max(max, process.memoryUsage.rss())) };
}

/** The baseline: every current resource's stored JSON, streamed by one SELECT into one ndjson file. */
async function baseline(dir: string): Promise<{ resources: number; seconds: number; rssMb: number }> {
  const conn = mysqlCallback.createConnection(url);
  const out = createWriteStream(join(dir, 'baseline.ndjson'));
  const rss = sampleRss();
  const start = performance.now();
  let resources = 0;
  const rows = conn
    .query(
      'SELECT h.content FROM resource r JOIN resource_history h ON h.resource_pk = r.pk AND h.version_id = r.version_id WHERE r.deleted = 0 ORDER BY r.res_type, r.pk',
    )
    .stream();
  for await (const row of rows as AsyncIterable<{ content: string }>) {
    resources++;
    if (!out.write(`${row.content}\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  const seconds = (performance.now() - start) / 1000;
  conn.end();
  return { resources, seconds, rssMb: rss.stop() / 2 ** 20 };
}

/** A system-level export, all types, run by this process as a node runs it; timed from kick-off to done. */
async function exportRun(env: Record<string, string>): Promise<{ resources: number; seconds: number; rssMb: number; files: number }> {
  const services = await buildFhirServices(
    loadConfig({ DATABASE_URL: url, AUTH_MODE: 'open', EXPORT_SETTLE_MS: '0', EXPORT_POLL_MS: '600000', ...env }),
  );
  try {
    services.bulk.start();
    global.gc?.();
    const rss = sampleRss();
    const start = performance.now();
    const id = await services.bulk.kickOff('bench', { level: 'system', types: [], typeFilters: {} }, undefined);
    await services.bulk.idle();
    const seconds = (performance.now() - start) / 1000;
    const status = await services.bulk.status(id, undefined, 'http://bench');
    if (status.state !== 'done') throw new Error(`export ${status.state}: ${JSON.stringify(status)}`);
    const resources = status.manifest.output.reduce((n, f) => n + f.count, 0);
    await services.bulk.discard(id);
    return { resources, seconds, rssMb: rss.stop() / 2 ** 20, files: status.manifest.output.length };
  } finally {
    await services.close();
  }
}

async function main(): Promise<void> {
  const admin = await mysql.createConnection(root);
  const [[{ bp }]] = (await admin.query('SELECT @@innodb_buffer_pool_size AS bp')) as unknown as [[{ bp: number }]];
  if (bufferPoolMb > 0) await admin.query(`SET GLOBAL innodb_buffer_pool_size = ${bufferPoolMb * 2 ** 20}`);
  const dir = mkdtempSync(join(tmpdir(), 'bench-export-'));
  try {
    if (!args.includes('--reuse')) console.error(`stored ${await load()} resources`);
    const base = await baseline(dir);
    const local = await exportRun({ BLOB_DIR: dir });
    let azure: Awaited<ReturnType<typeof exportRun>> | undefined;
    if (!skip.has('azurite')) {
      const azurite = await startAzurite();
      try {
        azure = await exportRun({ BLOB_CONNECTION_STRING: azurite.connectionString, BLOB_CONTAINER: 'bench' });
      } finally {
        await azurite.stop();
      }
    }
    const [[{ bpNow }]] = (await admin.query('SELECT @@innodb_buffer_pool_size AS bpNow')) as unknown as [[{ bpNow: number }]];
    const rate = (r: { resources: number; seconds: number }) => r.resources / r.seconds;
    const line = (name: string, r: { resources: number; seconds: number; rssMb: number }) =>
      `| ${name} | ${r.resources} | ${r.seconds.toFixed(1)} | ${rate(r).toFixed(0)} | ${(rate(r) / rate(base)).toFixed(2)} | ${r.rssMb.toFixed(0)} |`;
    console.log(
      `\n${new Date().toISOString().slice(0, 10)}, ${cpus().length} x ${cpus()[0]?.model.trim()}, ${(totalmem() / 2 ** 30).toFixed(0)} GB, buffer pool ${(bpNow / 2 ** 20).toFixed(0)} MB, ${patients} patients`,
    );
    console.log('| run | resources | seconds | resources/s | vs baseline | max RSS MB |\n| --- | --- | --- | --- | --- | --- |');
    console.log(line('baseline: SELECT streamed to a file', base));
    console.log(line(`export to the local folder (${local.files} files)`, local));
    if (azure) console.log(line(`export to Azurite (${azure.files} blobs)`, azure));
  } finally {
    if (bufferPoolMb > 0) await admin.query(`SET GLOBAL innodb_buffer_pool_size = ${bp}`);
    await admin.end();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
