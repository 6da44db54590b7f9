// bench/export: Bulk Data $export throughput at 1M+ resources. The search benchmark's generator (bench/search)
// builds the records; they are stored as the write path stores them (one resource row and one JSON history row
// each; search indexes are not needed by a system export). Then, in the same run: the baseline, a SELECT of the
// same stored JSON rows streamed to a file; a system-level export to the local folder; a patient-level export
// (Patient/$export) to the local folder; the system-level export to Azurite. Resources/s and ratios to the baseline.
// Each run is a process of its own (measure.ts) with the server's V8 flags, whose memory is sampled every 50 ms.
// Usage: npm run bench:export -- [--resources 1000000] [--reuse] [--buffer-pool-mb 1024] [--skip azurite,patient]
//   [--node-flags '--max-semi-space-size=64 ...'] (default: those of `npm start`)
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import mysql from 'mysql2/promise';
import { buildFhirServices } from '../../server/src/fhir-services.js';
import { loadConfig } from '../../server/src/config.js';
import { startAzurite } from '../../tests/support/azurite.js';
import { OBSERVATIONS_PER_PATIENT, medicationsBundle, patientBundles } from '../search/generate.js';
import { args, option } from '../support/options.js';
import type { Measured } from './measure.js';

const skip = new Set((args[args.indexOf('--skip') + 1] ?? '').split(',').filter(() => args.includes('--skip')));
const wanted = option('resources', 1_000_000);
const bufferPoolMb = option('buffer-pool-mb', 0);
/** The server's V8 flags, as `npm start` gives them (package.json), unless `--node-flags '...'` names others. */
const serverFlags = (
  args.includes('--node-flags')
    ? (args[args.indexOf('--node-flags') + 1] ?? '')
    : ((JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { scripts: { start: string } }).scripts.start
        .split(/\s+/)
        .filter((a) => a.startsWith('--'))
        .join(' ') ?? '')
)
  .split(/\s+/)
  .filter(Boolean);
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

/**
 * One measured run in a fresh process (measure.ts) with the server's V8 flags (those of `npm start`), so that its
 * memory is the run's own: not the loader's, not an earlier run's.
 */
async function measured(run: 'baseline' | 'system' | 'patient', dir: string, blobEnv?: Record<string, string>): Promise<Measured> {
  const script = fileURLToPath(new URL('./measure.ts', import.meta.url));
  const flags = [...process.execArgv, ...serverFlags, '--expose-gc'];
  const child = spawn(process.execPath, [...flags, script, url, run, dir, ...(blobEnv ? [JSON.stringify(blobEnv)] : [])], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  const [code] = (await once(child, 'exit')) as [number | null];
  if (code !== 0) throw new Error(`${run} run exited with ${code}`);
  return JSON.parse(out.trim().split('\n').pop()!) as Measured;
}

async function main(): Promise<void> {
  const admin = await mysql.createConnection(root);
  const [[{ bp }]] = (await admin.query('SELECT @@innodb_buffer_pool_size AS bp')) as unknown as [[{ bp: number }]];
  if (bufferPoolMb > 0) await admin.query(`SET GLOBAL innodb_buffer_pool_size = ${bufferPoolMb * 2 ** 20}`);
  const dir = mkdtempSync(join(tmpdir(), 'bench-export-'));
  try {
    if (!args.includes('--reuse')) console.error(`stored ${await load()} resources`);
    const base = await measured('baseline', dir);
    const local = await measured('system', dir);
    const patient = skip.has('patient') ? undefined : await measured('patient', dir);
    let azure: Measured | undefined;
    if (!skip.has('azurite')) {
      const azurite = await startAzurite();
      try {
        azure = await measured('system', dir, { BLOB_CONNECTION_STRING: azurite.connectionString, BLOB_CONTAINER: 'bench' });
      } finally {
        await azurite.stop();
      }
    }
    const [[{ bpNow }]] = (await admin.query('SELECT @@innodb_buffer_pool_size AS bpNow')) as unknown as [[{ bpNow: number }]];
    const rate = (r: { resources: number; seconds: number }) => r.resources / r.seconds;
    const line = (name: string, r: Measured) =>
      `| ${name} | ${r.resources} | ${r.seconds.toFixed(1)} | ${rate(r).toFixed(0)} | ${(rate(r) / rate(base)).toFixed(2)} | ${r.readyRssMb} | ${r.peakRssMb} | ${r.peakHeapUsedMb} | ${r.peakArrayBuffersMb} |`;
    console.log(
      `\n${new Date().toISOString().slice(0, 10)}, ${cpus().length} x ${cpus()[0]?.model.trim()}, ${(totalmem() / 2 ** 30).toFixed(0)} GB, buffer pool ${(bpNow / 2 ** 20).toFixed(0)} MB, ${patients} patients`,
    );
    console.log(
      `Node flags of each run (its own process): ${serverFlags.join(' ')}\n` +
        '| run | resources | seconds | resources/s | vs baseline | RSS ready MB | peak RSS MB | peak heap used MB | peak array buffers MB |\n' +
        '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    );
    console.log(line('baseline: SELECT streamed to a file', base));
    console.log(line(`export to the local folder (${local.files} files)`, local));
    if (patient) console.log(line(`Patient/$export to the local folder (${patient.files} files)`, patient));
    if (azure) console.log(line(`export to Azurite (${azure.files} blobs)`, azure));
    for (const [name, r] of [
      ['baseline', base],
      ['system', local],
      ['patient', patient],
      ['azurite', azure],
    ] as const)
      if (r) console.log(`RSS MB over the ${name} run, by tenths: ${r.rssTimeline.join(' ')}`);
  } finally {
    if (bufferPoolMb > 0) await admin.query(`SET GLOBAL innodb_buffer_pool_size = ${bp}`);
    await admin.end();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
