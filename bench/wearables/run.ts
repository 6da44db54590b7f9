// bench/wearables: Apple Health export parsing and mapping speed (MB/s, records/s) and peak memory, against a
// plain read + UTF-8 decode and the saxes SAX parser measured in the same run on the same file.
// Usage: npm run bench:wearables -- [--mb 200] [--rounds 3] [--file export.xml] [--zip] [--keep]
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateExport, zipExport } from './generate-export.js';
import type { Mode } from './measure.js';

const arg = (k: string) => {
  const i = process.argv.indexOf(`--${k}`);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const flag = (k: string) => process.argv.includes(`--${k}`);
const rounds = Number(arg('rounds') ?? 3);
const dir = mkdtempSync(join(tmpdir(), 'bench-wearables-'));
const xml = arg('file') ?? join(dir, 'export.xml');
const zip = join(dir, 'export.zip');
const measure = fileURLToPath(new URL('./measure.ts', import.meta.url));

interface Result {
  mode: Mode;
  ms: number;
  cpuMs: number;
  records: number;
  observations: number;
  maxRssMB: number;
}

function once(mode: Mode, file: string): Result {
  const out = execFileSync(process.execPath, ['--import', 'tsx', measure, mode, file], { encoding: 'utf8', maxBuffer: 1 << 20 });
  return JSON.parse(out.trim().split('\n').pop()!) as Result;
}

try {
  if (!arg('file')) {
    const { days } = await generateExport(xml, Number(arg('mb') ?? 200));
    console.error(`generated ${xml} (${days} days)`);
  }
  const bytes = statSync(xml).size;
  const mb = bytes / 1048576;
  const modes: Mode[] = ['read', 'saxes', 'scan', 'map', 'bundle'];
  if (flag('zip')) {
    await zipExport(xml, zip);
    modes.push('map-zip');
  }
  const best = new Map<Mode, Result>();
  // Best = least CPU time. Rounds interleave the modes so that a busy moment of the shared machine hits all of them alike.
  for (let r = 0; r < rounds; r++) {
    for (const mode of modes) {
      const res = once(mode, mode === 'map-zip' ? zip : xml);
      const prev = best.get(mode);
      if (!prev || res.cpuMs < prev.cpuMs) best.set(mode, res);
      console.error(`round ${r + 1} ${mode}: ${res.ms.toFixed(0)} ms, ${res.maxRssMB.toFixed(0)} MB peak RSS`);
    }
  }
  const records = best.get('scan')!.records;
  const saxes = best.get('saxes')!;
  const label: Record<Mode, string> = {
    read: 'read + UTF-8 decode only (baseline)',
    saxes: 'saxes SAX parser, parse only (baseline)',
    scan: 'FibroTrack scanner, parse only',
    map: 'parse + mapping (mapAppleHealthXml)',
    bundle: 'parse + mapping + transaction bundles serialized',
    'map-zip': 'export.zip: unzip + parse + mapping (mapAppleHealthZip)',
  };
  console.log(
    `**${new Date().toISOString().slice(0, 10)}**, ${cpus().length} cores (${cpus()[0]?.model.trim()}), ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}; ` +
      `load average ${loadavg()[0].toFixed(1)} at the end; export.xml ${mb.toFixed(0)} MB, ${records.toLocaleString('en')} top-level records, ${best.get('map')!.observations.toLocaleString('en')} Observations; best of ${rounds} rounds, each a fresh process, one thread\n`,
  );
  // Wall-clock rates suffer from whatever else runs on the machine; CPU time (this process only, GC threads
  // included) gives the one-core rate, and the ratios are taken on it.
  console.log('| run | MB/s wall | MB per CPU-s | records per CPU-s | CPU s | peak RSS MB | CPU ratio to saxes |');
  console.log('| --- | --- | --- | --- | --- | --- | --- |');
  for (const mode of modes) {
    const r = best.get(mode)!;
    const cpuS = r.cpuMs / 1000;
    console.log(
      `| ${label[mode]} | ${(mb / (r.ms / 1000)).toFixed(1)} | ${(mb / cpuS).toFixed(1)} | ${Math.round(records / cpuS).toLocaleString('en')} ` +
        `| ${cpuS.toFixed(2)} | ${r.maxRssMB.toFixed(0)} | ${(saxes.cpuMs / r.cpuMs).toFixed(2)} |`,
    );
  }
  console.log('\nMB are MiB of export.xml (the zip row too); records are top-level elements (Record, Workout, Correlation, ...).');
} finally {
  if (!flag('keep')) rmSync(dir, { recursive: true, force: true });
  else console.error(`kept ${dir}`);
}
