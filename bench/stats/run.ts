// bench/stats: Observation/$stats over a year of minute-level heart rate for one patient (issue 20: p50 < 100 ms at
// about 525k Observations), over HTTP against two `fibrotrack serve` processes on the same database: one reading
// whole days from the daily rollup (the default) and one reading every raw value (STATS_ROLLUP=false), beside
// baselines measured in the same run: a plain patient-scoped search of the same Observations with _count=1, and the
// same search with _summary=count. Requests alternate so all see the same machine load; the raw path, which takes
// seconds at this size, is asked fewer times (--raw-requests). The Observations are stored through the store's bulk
// path (one repository transaction per 5000, whose rows are flushed together, the rollup kept in them), not HTTP one
// by one. A --reuse of a database loaded before the rollup existed times migration 034's backfill first.
// Usage: npm run bench:stats -- [--observations 525600] [--others 5] [--requests 30] [--raw-requests 5] [--reuse]
import { cpus, totalmem } from 'node:os';
import type { Observation, Parameters, Patient } from 'fhir/r4.js';
import mysql from 'mysql2/promise';
import { buildApp } from '../../server/src/app.js';
import { loadConfig } from '../../server/src/config.js';
import { migrate } from '../../server/src/store/mysql/migrate.js';
import { startServer } from '../ingest/start-server.js';
import { args, option } from '../support/options.js';

const observations = option('observations', 525_600);
const others = option('others', 5);
const requests = option('requests', 30);
const rawRequests = option('raw-requests', 5);
const root = process.env.BENCH_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306';
const database = `fibrotrack_bench_stats_${observations}`;
const url = `${root}/${database}`;
const PER_TRANSACTION = 5000;
const MINUTE = 60_000;
/** Whole minutes, so a --reuse run asks for the same year as the load wrote. */
const END = Math.floor(Date.UTC(2026, 11, 1) / MINUTE) * MINUTE;
const LOINC = 'http://loinc.org';

/** Minute `i` before END of patient `id`: a daily rhythm plus noise, in /min. */
function heartRate(id: string, i: number): Observation {
  const at = END - i * MINUTE;
  const bpm = Math.round(68 + 12 * Math.sin((at / 86_400_000) * 2 * Math.PI) + ((i * 7919) % 11) - 5);
  return {
    resourceType: 'Observation',
    id: `${id}-hr-${i}`,
    status: 'final',
    category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'vital-signs' }] }],
    code: { coding: [{ system: LOINC, code: '8867-4', display: 'Heart rate' }] },
    subject: { reference: `Patient/${id}` },
    effectiveDateTime: new Date(at).toISOString(),
    valueQuantity: { value: bpm, unit: 'beats/minute', system: 'http://unitsofmeasure.org', code: '/min' },
  };
}

async function load(): Promise<void> {
  const admin = await mysql.createConnection(root);
  await admin.query(`DROP DATABASE IF EXISTS ${database}`);
  await admin.end();
  const app = await buildApp(loadConfig({ DATABASE_URL: url, DB_POOL_SIZE: '6', AUTH_MODE: 'open' }));
  const repo = app.ctx.repo;
  const t = performance.now();
  // The big patient, and others with a tenth as much each, so the index is not one patient's alone.
  const patients: [string, number][] = [
    ['big', observations],
    ...Array.from({ length: others }, (_, p): [string, number] => [`other-${p}`, Math.ceil(observations / 10)]),
  ];
  let written = 0;
  for (const [id, count] of patients) {
    await repo.transaction((tx) => tx.write({ resourceType: 'Patient', id, name: [{ family: id }] } as Patient, undefined, 'PUT'));
    for (let from = 0; from < count; from += PER_TRANSACTION) {
      await repo.transaction(async (tx) => {
        for (let i = from; i < Math.min(count, from + PER_TRANSACTION); i++) await tx.write(heartRate(id, i), undefined, 'POST');
      });
      written += Math.min(PER_TRANSACTION, count - from);
      if ((from / PER_TRANSACTION) % 20 === 19)
        console.error(`${written} Observations, ${(written / ((performance.now() - t) / 1000)).toFixed(0)}/s`);
    }
  }
  console.error(`loaded ${written} Observations in ${((performance.now() - t) / 1000).toFixed(0)} s`);
  await app.close();
}

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))];

async function timed(href: string): Promise<{ ms: number; bytes: number }> {
  const t = performance.now();
  const res = await fetch(href);
  const text = await res.text();
  const ms = performance.now() - t;
  if (res.status !== 200) throw new Error(`${href}: ${res.status} ${text.slice(0, 300)}`);
  return { ms, bytes: text.length };
}

if (!args.includes('--reuse')) await load();
{
  // Pending migrations (the rollup's backfill on a database loaded before it), timed, before any server starts.
  const pool = mysql.createPool({ uri: url, connectionLimit: 1, timezone: 'Z' });
  const t = performance.now();
  const applied = await migrate(pool);
  if (applied.length > 0) console.log(`migrations ${applied.join(', ')} applied in ${((performance.now() - t) / 1000).toFixed(0)} s`);
  await pool.end();
}
const env = { DATABASE_URL: url, AUTH_MODE: 'open', BASE_URL: 'http://127.0.0.1' };
const server = await startServer(env);
const rawServer = await startServer({ ...env, STATS_ROLLUP: 'false' });
try {
  const conn = await mysql.createConnection(root);
  const [info] = await conn.query<mysql.RowDataPacket[]>('SELECT @@innodb_buffer_pool_size AS b, VERSION() AS v');
  await conn.end();
  console.log(
    `${new Date().toISOString().slice(0, 10)}, ${cpus().length} cores (${cpus()[0].model}), ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, MariaDB ${info[0].v}, innodb_buffer_pool_size ${Number(info[0].b) / 2 ** 20} MiB; ${observations} minute heart rates of one patient, ${others} others with a tenth as many`,
  );
  // The year up to END at a minute that is not midnight, so that both edges are partial days read raw.
  const to = END - 7 * 3_600_000 - 13 * 60_000;
  const year = `${new Date(to - 365 * 86_400_000).toISOString()}/${new Date(to).toISOString()}`;
  const query = `/Observation/$stats?subject=Patient/big&system=${encodeURIComponent(LOINC)}&code=8867-4&period=${encodeURIComponent(year)}`;
  const search = `${server.base}/Observation?patient=big&code=${encodeURIComponent(`${LOINC}|8867-4`)}&date=ge${encodeURIComponent(new Date(to - 365 * 86_400_000).toISOString())}`;
  const composed = '&statistic=average,minimum,maximum,count,std-dev';
  const daily = '&statistic=average,maximum&bucket=day';
  const measures = [
    { name: '`$stats` average, min, max, count, std-dev over the year: rollup', href: `${server.base}${query}${composed}`, n: requests },
    { name: '`$stats` daily mean and maximum (`bucket=day`): rollup', href: `${server.base}${query}${daily}`, n: requests },
    { name: '`$stats` average, min, max, count, std-dev over the year: raw', href: `${rawServer.base}${query}${composed}`, n: rawRequests },
    { name: '`$stats` daily mean and maximum (`bucket=day`): raw', href: `${rawServer.base}${query}${daily}`, n: rawRequests },
    { name: '`$stats` median over the year (raw on both)', href: `${server.base}${query}&statistic=median`, n: rawRequests },
    { name: 'baseline: the same search, `_count=1`', href: `${search}&_count=1`, n: requests },
    { name: 'baseline: the same search, `_summary=count`', href: `${search}&_summary=count`, n: rawRequests },
  ];
  // The same answers from both paths (counts and extremes exactly, the rest to 1e-9).
  for (const [a, b] of [
    [0, 2],
    [1, 3],
  ]) {
    const [x, y] = await Promise.all([
      fetch(measures[a].href).then((r) => r.json() as Promise<Parameters>),
      fetch(measures[b].href).then((r) => r.json() as Promise<Parameters>),
    ]);
    console.log(`${measures[a].name} vs raw: ${sameAnswer(x, y) ? 'same answer' : 'ANSWERS DIFFER'}`);
  }
  for (const m of measures) await timed(m.href); // warm-up
  const times = measures.map(() => [] as number[]);
  const bytes = measures.map(() => 0);
  for (let i = 0; i < requests; i++) {
    for (const [k, m] of measures.entries()) {
      if (i >= m.n) continue;
      const r = await timed(m.href);
      times[k].push(r.ms);
      bytes[k] = r.bytes;
    }
  }
  const base = pct(times[5], 0.5);
  console.log(
    [
      '| measure | requests | p50 ms | p99 ms | answer KiB | p50 / baseline `_count=1` |',
      '| --- | --- | --- | --- | --- | --- |',
      ...measures.map(
        (m, k) =>
          `| ${m.name} | ${times[k].length} | ${pct(times[k], 0.5).toFixed(1)} | ${pct(times[k], 0.99).toFixed(1)} | ${(bytes[k] / 1024).toFixed(1)} | ${(pct(times[k], 0.5) / base).toFixed(2)} |`,
      ),
    ].join('\n'),
  );
  console.log(
    `rollup vs raw, p50: ${(pct(times[2], 0.5) / pct(times[0], 0.5)).toFixed(0)}x faster (whole year), ${(pct(times[3], 0.5) / pct(times[1], 0.5)).toFixed(0)}x faster (bucket=day)`,
  );
} finally {
  await server.stop();
  await rawServer.stop();
}
process.exit(0);

/** Statistics per code, unit and day alike: integers exactly, quantities to 1e-9 relative. */
function sameAnswer(a: Parameters, b: Parameters): boolean {
  const flat = (p: Parameters) =>
    (p.parameter ?? []).map((x) => {
      const o = x.resource as Observation;
      return { code: o.code, period: o.effectivePeriod, values: (o.component ?? []).map((c) => c.valueInteger ?? c.valueQuantity?.value) };
    });
  const [x, y] = [flat(a), flat(b)];
  return (
    x.length === y.length &&
    x.every((g, i) => {
      const h = y[i];
      if (JSON.stringify([g.code, g.period]) !== JSON.stringify([h.code, h.period])) return false;
      return g.values.every((v, j) => {
        const w = h.values[j];
        return v === w || (v !== undefined && w !== undefined && Math.abs(v - w) <= 1e-9 * Math.max(1, Math.abs(w)));
      });
    })
  );
}
