// bench/mix: a realistic clinical app's query mix (issue 22, Speed), as published FHIR benchmarks run it.
//
// Load: the Synthea transaction Bundles of ../shared/fixtures/synthea (30 patients) replicated with fresh ids to N
// patients (replicate.ts: every UUID of a copy, so ids, fullUrls and references, is replaced consistently; the
// family name gets a two-syllable prefix per copy and the Patient's identifiers a suffix, so name prefixes and
// identifiers differ), stored as transaction Bundles by this process through the server's own transaction path
// (load.ts: buildFhirServices + handleFhirRequest, as `fibrotrack load` does; the same rows as over HTTP, without
// HTTP), --load-clients Bundles in flight, into the database `fibrotrack_bench_mix_<N>` that the benchmark creates,
// before the server starts; the loading rate is reported. --reuse keeps a database that already holds N patients;
// --grow-from M moves the database of M patients (when it holds M) to N's and adds copies M..N-1 (the M database is gone).
// Server: the real `fibrotrack serve` (compiled dist/ when fresh), its own process, AUTH_MODE=open, one worker.
// Workload: the 30 shapes of shapes.ts (patient-scoped lists, $everything, $lastn; cross-patient by code, date,
// gender, name prefix; full-text :text, _content, _text; _total=accurate on a type and on a criterion,
// _summary=count; _include, _revinclude, a chain; ValueSet/$expand with filter; metadata), drawn at random with
// equal weight, each value drawn from a sample read once from the database before the runs (sample.ts); at each
// client count (each client sends its next request when the last one answered) for --seconds after --warmup.
// Report: per shape and overall, ok req/s, p50 and p99 of the 2xx answers only, other answers counted by status
// (0 = no answer), the machine (cores, RAM, Node, MariaDB, innodb_buffer_pool_size) and the ratio of overall p50
// at each size to the smallest size's; markdown on stdout, progress on stderr. --buffer-pool 4G sets
// innodb_buffer_pool_size with SET GLOBAL for the run and restores it after; --drop drops the databases at the end.
// The 1-minute load average of the machine (shared: other work runs beside the benchmark) is sampled every 5 s
// during each cell and reported beside it. --only <regex> runs the shapes whose names match (re-runs).
// Usage: npm run bench:mix -- [--patients 1000,4000,16000] [--clients 1,10] [--seconds 60] [--warmup 5]
//   [--reuse] [--grow-from M] [--drop] [--buffer-pool 4G] [--load-clients 4] [--only regex] [--fixtures ../shared/fixtures/synthea]
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import type { RowDataPacket } from 'mysql2/promise';
import { startServer } from '../ingest/start-server.js';
import { adminQuery, databaseName, dropDatabase, moveDatabase, storedPatients } from './database.js';
import { drive } from './drive.js';
import { loadPatients } from './load.js';
import { bufferPool as currentPool, machine, parseSize, setBufferPool } from './machine.js';
import { overallTable, shapeTable, type SizedRun } from './report.js';
import { sample } from './sample.js';
import { SHAPES } from './shapes.js';

const args = process.argv.slice(2);
const option = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const sizes = option('patients', '1000,4000,16000').split(',').map(Number);
const clientCounts = option('clients', '1,10').split(',').map(Number);
const seconds = Number(option('seconds', '60'));
const warmup = Number(option('warmup', '5'));
const loadClients = Number(option('load-clients', '4'));
const fixtures = resolve(option('fixtures', '../shared/fixtures/synthea'));
const bufferPool = args.includes('--buffer-pool') ? parseSize(option('buffer-pool', '')) : undefined;
const only = args.includes('--only') ? new RegExp(option('only', '')) : undefined;
const shapes = SHAPES.filter((s) => !only || only.test(s.name));
const root = process.env.BENCH_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306';

const envOf = (patients: number): Record<string, string> => ({
  DATABASE_URL: `${root}/${databaseName(patients)}`,
  AUTH_MODE: 'open',
  DB_POOL_SIZE: '20',
  RATE_LIMIT_PER_MINUTE: '0',
  // A busy database or Redis (the machine may be shared) is waited for rather than answered 503.
  DB_CONNECT_TIMEOUT_MS: '10000',
  DB_POOL_ACQUIRE_TIMEOUT_MS: '30000',
  REDIS_TIMEOUT_MS: '5000',
  REDIS_PREFIX: `fibrotrack_bench_mix_${process.pid}:`,
});

async function describe(patients: number): Promise<string> {
  const [{ n, bytes }] = await adminQuery<RowDataPacket[]>(
    root,
    `SELECT (SELECT COUNT(*) FROM ${databaseName(patients)}.resource) AS n, (SELECT SUM(data_length + index_length) FROM information_schema.tables WHERE table_schema = ?) AS bytes`,
    [databaseName(patients)],
  );
  return `${patients.toLocaleString('en')} patients: ${Number(n).toLocaleString('en')} resources, database ${(Number(bytes) / 2 ** 30).toFixed(2)} GiB`;
}

const runs: SizedRun[] = [];
const sizeLines: string[] = [];
const restore = bufferPool !== undefined ? await setBufferPool(root, bufferPool) : undefined;
// Taken after --buffer-pool, so it gives the size the runs had.
const machineLine = await machine(root).catch(async (e: unknown) => {
  await restore?.();
  throw e;
});
try {
  for (const patients of sizes) {
    const reuse = args.includes('--reuse') && (await storedPatients(root, patients)) === patients;
    const growFrom = args.includes('--grow-from') ? Number(option('grow-from', '0')) : 0;
    const grow = !reuse && growFrom > 0 && growFrom < patients && (await storedPatients(root, growFrom)) === growFrom;
    if (!reuse) await dropDatabase(root, patients);
    if (grow) await moveDatabase(root, growFrom, patients);
    if (!reuse) {
      const loaded = await loadPatients(`${root}/${databaseName(patients)}`, fixtures, patients, loadClients, grow ? growFrom : 0);
      const load = loadavg()[0].toFixed(1);
      sizeLines.push(
        `loaded ${(patients - (grow ? growFrom : 0)).toLocaleString('en')} patients${grow ? ` onto ${growFrom.toLocaleString('en')}` : ''} in ${Math.round(loaded.seconds)} s: ` +
          `${Math.round(loaded.resources / loaded.seconds).toLocaleString('en')} resources/s (load average ${load} at the end)`,
      );
    }
    const server = await startServer(envOf(patients));
    try {
      sizeLines.push(await describe(patients));
      const values = await sample(`${root}/${databaseName(patients)}`, server.base);
      for (const clients of clientCounts) {
        const loads: number[] = [];
        const probe = setInterval(() => loads.push(loadavg()[0]), 5000);
        const mix = await drive(server.base, shapes, values, clients, seconds, warmup).finally(() => clearInterval(probe));
        // Another process on the shared server may change the global meanwhile: what the cell ended with is said.
        const pool = await currentPool(root);
        const run = { patients, pool, run: mix, load: loads.length > 0 ? loads.reduce((a, b) => a + b, 0) / loads.length : loadavg()[0] };
        runs.push(run);
        console.error(shapeTable(run));
      }
    } finally {
      await server.stop();
    }
  }
} finally {
  await restore?.();
  if (args.includes('--drop')) for (const patients of sizes) await dropDatabase(root, patients);
}
console.log(
  [
    `## mix ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC (${machineLine})`,
    '',
    `${shapes.length} shapes drawn at random, ${seconds} s per cell after ${warmup} s of warm-up; ${sizeLines.join('; ')}.`,
    '',
    overallTable(runs),
    '',
    ...runs.flatMap((r) => [shapeTable(r), '']),
  ].join('\n'),
);
process.exit(0);
