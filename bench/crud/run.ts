// bench/crud: read by id, create, update, search by patient and a mixed workload (40% reads, 40% searches, 20%
// creates) at 1, 10 and 50 clients against the real server (`fibrotrack serve`, its own process), compared with a
// baseline in the same run: a bare node:http + mysql2 server reading the same stored JSON row by primary key.
// With --auth smart the same runs carry a real Backend Services token (smart-nocache: with TOKEN_CACHE_MS=0, every
// request looks its token up); --replica adds a database-bound search with and without one MariaDB read replica (a
// private primary and replica started for the run). The baseline runs first and again last; ratios are to the mean
// of both (the machine is shared: what else runs on it changes during a run).
// --interleave R instead takes read and mixed at 10 clients on every target up side by side, in turn (interleaved.ts).
// Usage: npm run bench:crud -- [--seconds 10] [--clients 1,10,50] [--patients 2000] [--auth open,smart,smart-nocache]
//   [--workloads read,create,update,search,mixed] [--replica] [--profile dir] [--interleave rounds] [--only-replica]
import { fork } from 'node:child_process';
import { cpus, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import mysql, { type RowDataPacket } from 'mysql2/promise';
import { freePort } from '../../tests/support/free-port.js';
import { startServer } from '../ingest/start-server.js';
import { load, type LoadResult } from './load.js';
import { seed } from './seed.js';
import { smartToken } from './smart-token.js';
import { WORKLOADS, workload, type Workload } from './workloads.js';
import { replicaSearch } from './replica-search.js';
import { interleaved, serverTarget, type Target } from './interleaved.js';

const args = process.argv.slice(2);
const option = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const seconds = Number(option('seconds', '10'));
const clientCounts = option('clients', '1,10,50').split(',').map(Number);
const patientCount = Number(option('patients', '2000'));
type Mode = 'open' | 'smart' | 'smart-nocache';
const modes = option('auth', 'open,smart,smart-nocache').split(',') as Mode[];
const workloads = option('workloads', WORKLOADS.join(',')).split(',') as Workload[];
const profileDir = args.includes('--profile') ? option('profile', 'bench-profiles') : undefined;
const interleave = Number(option('interleave', '0'));
const root = process.env.BENCH_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306';
const database = process.env.BENCH_DATABASE ?? 'fibrotrack_bench_crud';
const databaseUrl = `${root}/${database}`;
const POOL = '20';

interface Row {
  what: string;
  clients: number;
  result: LoadResult;
  baseline?: number;
}
const rows: Row[] = [];
const print = (r: Row) =>
  console.error(
    `${r.what} @${r.clients}: ${r.result.rps.toFixed(0)} req/s, p50 ${r.result.p50} ms, p99 ${r.result.p99} ms, ${r.result.failed} failed`,
  );

async function query<T extends RowDataPacket[]>(text: string): Promise<T> {
  const conn = await mysql.createConnection(root);
  try {
    return (await conn.query<T>(text))[0];
  } finally {
    await conn.end();
  }
}

async function startBaseline(): Promise<{ origin: string; stop(): Promise<void> }> {
  const port = await freePort();
  const child = fork(fileURLToPath(new URL('./baseline-server.ts', import.meta.url)), [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, DATABASE_URL: databaseUrl, PORT: String(port), POOL_SIZE: POOL },
  });
  await new Promise<void>((resolve, reject) => {
    child.once('message', () => resolve());
    child.once('exit', (code) => reject(new Error(`baseline server exited with ${code}`)));
  });
  return {
    origin: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** Baseline reads at every client count; the first and the last call's figures are averaged for the ratios. */
const baselineRuns = new Map<number, number[]>();
async function runBaseline(label: string): Promise<void> {
  const baseline = await startBaseline();
  try {
    for (const clients of clientCounts) {
      const result = await load(baseline.origin, clients, seconds, workload('read', patients));
      baselineRuns.set(clients, [...(baselineRuns.get(clients) ?? []), result.rps]);
      rows.push({ what: `baseline (${label}): bare node:http + mysql2, read by primary key`, clients, result });
      print(rows.at(-1)!);
    }
  } finally {
    await baseline.stop();
  }
}

if (args.includes('--only-replica')) {
  console.log(await replicaSearch(seconds, Math.min(patientCount, 1000)));
  process.exit(0);
}
const [{ pool: bufferPool }] = await query<RowDataPacket[]>('SELECT @@innodb_buffer_pool_size AS pool, VERSION() AS v');
await query(`DROP DATABASE IF EXISTS ${database}`);
let patients: string[] = [];
const envOf = (mode: Mode): Record<string, string> => ({
  DATABASE_URL: databaseUrl,
  AUTH_MODE: mode === 'open' ? 'open' : 'smart',
  DB_POOL_SIZE: POOL,
  // The machine is shared: a busy database or Redis is waited for rather than answered 503.
  DB_CONNECT_TIMEOUT_MS: '10000',
  DB_POOL_ACQUIRE_TIMEOUT_MS: '30000',
  REDIS_TIMEOUT_MS: '5000',
  ...(mode === 'smart-nocache' ? { TOKEN_CACHE_MS: '0' } : {}),
  RATE_LIMIT_PER_MINUTE: '0',
  BASE_URL: 'http://localhost:8080',
  REDIS_PREFIX: `fibrotrack_bench_crud_${process.pid}:`,
});
for (const mode of interleave > 0 ? [] : modes) {
  const env = envOf(mode);
  const server = await startServer(env);
  const origin = server.base.replace(/\/fhir$/, '');
  try {
    const headers: Record<string, string> = mode !== 'open' ? { Authorization: `Bearer ${await smartToken(origin, databaseUrl)}` } : {};
    if (patients.length === 0) {
      const t = performance.now();
      patients = (await seed(server.base, headers, patientCount, 10)).patients;
      console.error(`seeded ${patients.length} patients with 10 Observations each in ${((performance.now() - t) / 1000).toFixed(0)} s`);
      await runBaseline('first');
    }
    if (!profileDir) await runWorkloads(origin, mode, workloads, headers);
  } finally {
    await server.stop();
  }
  // Profiling: one server per workload, so that each profile holds its start-up and that workload only.
  for (const name of profileDir ? workloads : []) {
    const profiled = await startServer(env, ['--cpu-prof', `--cpu-prof-dir=${profileDir}/${mode}-${name}`]);
    try {
      const profiledOrigin = profiled.base.replace(/\/fhir$/, '');
      const headers: Record<string, string> =
        mode !== 'open' ? { Authorization: `Bearer ${await smartToken(profiledOrigin, databaseUrl)}` } : {};
      await runWorkloads(profiledOrigin, mode, [name], headers);
    } finally {
      await profiled.stop();
    }
  }
}

async function runWorkloads(origin: string, mode: Mode, names: Workload[], headers: Record<string, string>): Promise<void> {
  const label = mode === 'smart-nocache' ? 'AUTH_MODE=smart, TOKEN_CACHE_MS=0' : `AUTH_MODE=${mode}`;
  for (const name of names) {
    for (const clients of clientCounts) {
      const result = await load(origin, clients, seconds, workload(name, patients), headers);
      rows.push({ what: `${name}, ${label}${profileDir ? ' (profiled)' : ''}`, clients, result });
      print(rows.at(-1)!);
    }
  }
}
if (interleave > 0) {
  const seeding = await startServer(envOf('open'));
  try {
    patients = (await seed(seeding.base, {}, patientCount, 10)).patients;
  } finally {
    await seeding.stop();
  }
  const baseline = await startBaseline();
  const targets: Target[] = [{ name: 'baseline', origin: baseline.origin, headers: {}, stop: () => baseline.stop() }];
  try {
    for (const mode of modes) targets.push(await serverTarget(mode, envOf(mode), databaseUrl));
    const servers = targets.slice(1).map((t) => t.name);
    const table = await interleaved(
      targets,
      [
        { workload: 'read', targets: ['baseline', ...servers] },
        { workload: 'mixed', targets: servers },
      ],
      patients,
      interleave,
      seconds,
    );
    console.log(machine() + table);
  } finally {
    for (const t of targets) await t.stop();
  }
} else {
  await runBaseline('last');
}
await query(`DROP DATABASE IF EXISTS ${database}`);
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
for (const r of rows) if (!r.what.startsWith('baseline')) r.baseline = mean(baselineRuns.get(r.clients)!);
if (rows.length > 0) printRows();
if (args.includes('--replica')) console.log(await replicaSearch(seconds, Math.min(patientCount, 1000)));

function printRows(): void {
  console.log(machine());
  console.log('| workload | clients | req/s | p50 ms | p99 ms | failed | ratio to the mean baseline read (same clients) |');
  console.log('| --- | --- | --- | --- | --- | --- | --- |');
  for (const r of rows) {
    const ratio = r.baseline ? (r.result.rps / r.baseline).toFixed(2) : (r.result.rps / mean(baselineRuns.get(r.clients)!)).toFixed(2);
    console.log(
      `| ${r.what} | ${r.clients} | ${r.result.rps.toFixed(0)} | ${r.result.p50} | ${r.result.p99} | ${r.result.failed} | ${ratio} |`,
    );
  }
}

function machine(): string {
  return (
    `\n${new Date().toISOString()}, ${cpus().length} cores (${cpus()[0].model}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ` +
    `innodb_buffer_pool_size ${(Number(bufferPool) / 2 ** 20).toFixed(0)} MiB, ${patients.length} patients x 10 Observations, ${seconds} s per run\n`
  );
}
