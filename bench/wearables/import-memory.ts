// bench/wearables import memory: peak RSS and time of `fibrotrack import apple-health` (the command as users run
// it, bin/fibrotrack.js, storing into MariaDB) on a generated export, against parse + mapping alone on the same file
// in the same run (bench/wearables/measure.ts map, a fresh process): the memory the import adds to the streaming
// parser's. Peak RSS is read with GNU time (Debian package `time`), which reports the largest process of the tree.
// Usage: npm run bench:wearables:memory -- [--mb 1024] [--file export.xml]
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import mysql from 'mysql2/promise';
import { generateExport } from './generate-export.js';

const arg = (k: string) => {
  const i = process.argv.indexOf(`--${k}`);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const root = process.env.BENCH_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306';
const database = 'fibrotrack_bench_import_memory';
const dir = mkdtempSync(join(tmpdir(), 'bench-import-memory-'));
const xml = arg('file') ?? join(dir, 'export.xml');
const bin = fileURLToPath(new URL('../../bin/fibrotrack.js', import.meta.url));
const measure = fileURLToPath(new URL('./measure.ts', import.meta.url));
const env = { ...process.env, DATABASE_URL: `${root}/${database}` };

/** Peak RSS (MiB) and wall seconds, from GNU time's last line. */
function lastTimed(text: string): { peakMB: number; seconds: number } {
  const m = /TIMED (\d+) ([\d.]+)\s*$/.exec(text);
  if (!m) throw new Error(`no GNU time output in: ${text.slice(-500)}`);
  return { peakMB: Number(m[1]) / 1024, seconds: Number(m[2]) };
}

async function resetDatabase(): Promise<void> {
  const conn = await mysql.createConnection(root);
  await conn.query(`DROP DATABASE IF EXISTS ${database}`);
  await conn.end();
}

try {
  if (!arg('file')) await generateExport(xml, Number(arg('mb') ?? 1024));
  const mb = statSync(xml).size / 1048576;
  console.error(`export ${xml}: ${mb.toFixed(0)} MB`);
  // Baseline: the streaming parse + mapping alone (measure.ts prints its own peak RSS).
  const parse = JSON.parse(
    execFileSync(process.execPath, ['--import', 'tsx', measure, 'map', xml], { encoding: 'utf8' }).trim().split('\n').pop()!,
  ) as { ms: number; maxRssMB: number; observations: number };
  await resetDatabase();
  const patient = join(dir, 'patient.json');
  writeFileSync(
    patient,
    JSON.stringify({
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [{ resource: { resourceType: 'Patient', id: 'bench-memory' }, request: { method: 'PUT', url: 'Patient/bench-memory' } }],
    }),
  );
  execFileSync(process.execPath, [bin, 'load', patient], { env, stdio: 'ignore' });
  // GNU time writes to stderr, where the progress lines go too: both are read back from a file.
  const log = join(dir, 'import.log');
  execFileSync(
    'sh',
    [
      '-c',
      `/usr/bin/time -f 'TIMED %M %e' "$0" "$1" import apple-health "$2" --patient bench-memory > "$3" 2>&1`,
      process.execPath,
      bin,
      xml,
      log,
    ],
    { env },
  );
  const text = readFileSync(log, 'utf8');
  const imp = lastTimed(text);
  const created = Number(/created (\d+)/.exec(text)?.[1]);
  console.log(
    `**${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC**, ${cpus().length} cores (${cpus()[0]?.model.trim()}), ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, load average ${loadavg()
      .map((l) => l.toFixed(0))
      .join('/')} at the end; export.xml ${mb.toFixed(0)} MB\n`,
  );
  console.log('| run | peak RSS, MB | wall time, s | Observations/s | peak RSS ratio to parse + mapping |');
  console.log('| --- | --- | --- | --- | --- |');
  console.log(
    `| parse + mapping only (baseline) | ${parse.maxRssMB.toFixed(0)} | ${(parse.ms / 1000).toFixed(1)} | ${Math.round(parse.observations / (parse.ms / 1000)).toLocaleString('en')} | 1.00 |`,
  );
  console.log(
    `| fibrotrack import apple-health (into MariaDB) | ${imp.peakMB.toFixed(0)} | ${imp.seconds.toFixed(1)} | ${Math.round(created / imp.seconds).toLocaleString('en')} | ${(imp.peakMB / parse.maxRssMB).toFixed(2)} |`,
  );
} finally {
  await resetDatabase();
  rmSync(dir, { recursive: true, force: true });
}
