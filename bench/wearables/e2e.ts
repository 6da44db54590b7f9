// bench/wearables e2e: a synthetic Apple Health export.xml imported end to end through the server
// (POST Patient/$import-wearable with Prefer: respond-async, polled to the end) into MariaDB, in Observations
// per second, against parse + mapping only (bench/wearables/measure.ts, mode map) on the same file in the same run,
// and against the same stored rows inserted again raw with mysql2 (bench/wearables/raw-insert.ts): the database's share.
// It also gives the CPU seconds the server and a local MariaDB each spent on the import, and the server's resident
// memory before the import and at its peak during it (process-stats.ts).
// Usage: npm run bench:wearables:e2e -- [--mb 20] [--rounds 2] [--batch 1000]
import { execFileSync } from 'node:child_process';
import { createReadStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import mysql from 'mysql2/promise';
import { startServer } from '../ingest/start-server.js';
import { cpuSeconds, databasePid, peakResidentMB, residentMB, resetPeakResident } from './process-stats.js';
import { generateExport } from './generate-export.js';
import { rawInsert, type RawInsert } from './raw-insert.js';

const arg = (k: string, fallback: string) => {
  const i = process.argv.indexOf(`--${k}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const mb = Number(arg('mb', '20'));
const rounds = Number(arg('rounds', '2'));
const batch = arg('batch', '1000');
const root = process.env.BENCH_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306';
const database = 'fibrotrack_bench_wearables';
const dir = mkdtempSync(join(tmpdir(), 'bench-wearables-e2e-'));
const xml = join(dir, 'export.xml');
const measure = fileURLToPath(new URL('./measure.ts', import.meta.url));

interface E2e {
  seconds: number;
  validating: number;
  storing: number;
  observations: number;
  serverCpu: number;
  databaseCpu?: number;
  rssBeforeMB: number;
  rssPeakMB: number;
}

const dbPid = databasePid();

function parseOnly(): { seconds: number; observations: number } {
  const out = execFileSync(process.execPath, ['--import', 'tsx', measure, 'map', xml], { encoding: 'utf8' });
  const r = JSON.parse(out.trim().split('\n').pop()!) as { ms: number; observations: number };
  return { seconds: r.ms / 1000, observations: r.observations };
}

async function resetDatabase(): Promise<void> {
  const conn = await mysql.createConnection(root);
  await conn.query(`DROP DATABASE IF EXISTS ${database}`);
  await conn.end();
}

async function endToEnd(): Promise<E2e> {
  await resetDatabase();
  const server = await startServer({ DATABASE_URL: `${root}/${database}`, WEARABLE_BATCH_SIZE: batch, AUTH_MODE: 'open' });
  try {
    const patient = await fetch(`${server.base}/Patient`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/fhir+json' },
      body: '{"resourceType":"Patient"}',
    });
    const { id } = (await patient.json()) as { id: string };
    const rssBeforeMB = residentMB(server.pid);
    resetPeakResident(server.pid);
    const start = performance.now();
    const cpuAtStart = { server: cpuSeconds(server.pid), database: dbPid ? cpuSeconds(dbPid) : undefined };
    // All or nothing, as a patient's upload runs by default: every generated record must map and validate.
    const accepted = await fetch(`${server.base}/Patient/${id}/$import-wearable`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/xml', 'Content-Disposition': 'attachment; filename="export.xml"', Prefer: 'respond-async' },
      body: Readable.toWeb(createReadStream(xml)) as ReadableStream,
      duplex: 'half',
    } as RequestInit);
    if (accepted.status !== 202) throw new Error(`import answered ${accepted.status}: ${await accepted.text()}`);
    const status = accepted.headers.get('content-location')!;
    let storingAt = 0;
    for (;;) {
      const poll = await fetch(status);
      if (poll.status === 202) {
        await poll.arrayBuffer();
        if (!storingAt && poll.headers.get('x-progress')?.startsWith('storing')) storingAt = performance.now();
        await new Promise((r) => setTimeout(r, 200));
        continue;
      }
      const body = (await poll.json()) as {
        parameter?: { name: string; part?: { name: string; valueCode?: string; valueInteger?: number }[] }[];
      };
      if (poll.status !== 200) throw new Error(`import failed: ${JSON.stringify(body)}`);
      const end = performance.now();
      const serverCpu = cpuSeconds(server.pid) - cpuAtStart.server;
      const rssPeakMB = peakResidentMB(server.pid);
      const databaseCpu = dbPid && cpuAtStart.database !== undefined ? cpuSeconds(dbPid) - cpuAtStart.database : undefined;
      const obs = body.parameter!.find((p) => p.name === 'resourceType' && p.part![0].valueCode === 'Observation')!;
      const observations = obs.part!.find((p) => p.name === 'created')!.valueInteger!;
      return {
        seconds: (end - start) / 1000,
        validating: (storingAt - start) / 1000,
        storing: (end - storingAt) / 1000,
        observations,
        serverCpu,
        databaseCpu,
        rssBeforeMB,
        rssPeakMB,
      };
    }
  } finally {
    await server.stop();
  }
}

const cpuText = (e: E2e) => `${e.serverCpu.toFixed(1)} / ${e.databaseCpu?.toFixed(1) ?? '-'}`;

try {
  const { days } = await generateExport(xml, mb);
  const size = statSync(xml).size / 1048576;
  console.error(`generated ${xml}: ${size.toFixed(1)} MB, ${days} days`);
  const parse: ReturnType<typeof parseOnly>[] = [];
  const e2e: E2e[] = [];
  const raw: RawInsert[] = [];
  for (let r = 0; r < rounds; r++) {
    parse.push(parseOnly());
    e2e.push(await endToEnd());
    const p = parse[r];
    const e = e2e[r];
    // Before the baseline, which takes as long again: a long run's own figures are out first.
    console.error(
      `round ${r + 1}: parse ${(p.observations / p.seconds).toFixed(0)} Observations/s; e2e ${(e.observations / e.seconds).toFixed(0)} Observations/s (${e.validating.toFixed(1)} s validating, ${e.storing.toFixed(1)} s storing; CPU ${cpuText(e)}; server RSS ${e.rssBeforeMB.toFixed(0)} MB before, ${e.rssPeakMB.toFixed(0)} MB at the peak)`,
    );
    raw.push(await rawInsert(root, database, Number(batch)));
    console.error(
      `round ${r + 1}: raw INSERT of the same ${raw[r].rows} rows ${(raw[r].resources / raw[r].seconds).toFixed(0)} resources/s, INSERT ... SELECT ${(raw[r].resources / raw[r].copySeconds).toFixed(0)}/s`,
    );
  }
  // The machine is shared: each round's ratio compares two runs made minutes apart, so every round is shown.
  console.log(
    `**${new Date().toISOString().slice(0, 10)}**, ${cpus().length} cores (${cpus()[0]?.model.trim()}), ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, ` +
      `load average ${loadavg()
        .map((l) => l.toFixed(0))
        .join(
          '/',
        )} at the end; export.xml ${size.toFixed(0)} MB, ${e2e[0].observations.toLocaleString('en')} Observations stored; batches of ${batch}\n`,
  );
  console.log(
    '| round | parse + mapping only, Observations/s (baseline) | raw mysql2 INSERT of the same rows, resources/s (baseline) | INSERT ... SELECT in MariaDB, resources/s | end to end, Observations/s | of which map + validate / store, s | CPU, server / MariaDB, s | server RSS before / peak, MB | ratio to parse-only | ratio of the store pass to raw INSERT |',
  );
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  e2e.forEach((e, i) => {
    const p = parse[i];
    const pRate = p.observations / p.seconds;
    const eRate = e.observations / e.seconds;
    const rRate = raw[i].resources / raw[i].seconds;
    const storeRate = e.observations / e.storing;
    console.log(
      `| ${i + 1} | ${Math.round(pRate).toLocaleString('en')} | ${Math.round(rRate).toLocaleString('en')} | ${Math.round(raw[i].resources / raw[i].copySeconds).toLocaleString('en')} | ${Math.round(eRate).toLocaleString('en')} | ${e.validating.toFixed(1)} / ${e.storing.toFixed(1)} | ${cpuText(e)} | ${e.rssBeforeMB.toFixed(0)} / ${e.rssPeakMB.toFixed(0)} | ${(eRate / pRate).toFixed(3)} | ${(storeRate / rRate).toFixed(2)} |`,
    );
  });
} finally {
  await resetDatabase();
  rmSync(dir, { recursive: true, force: true });
}
process.exit(0);
