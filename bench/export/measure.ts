// bench/export, one measured run in a process of its own (started by run.ts), so that what the loader or an earlier
// run left in memory is not counted: `baseline` (one SELECT streamed to a file) or an export (`system` or `patient`
// level) as a node runs it. Prints one JSON line: resources, seconds, the process's RSS when ready (services built,
// nothing run) and its peak during the run, and the peak heap, external and array-buffer memory (sampled every
// 50 ms). Usage (run.ts does this): node [flags] --import tsx bench/export/measure.ts <url> <run> <dir> [blob env JSON]
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { once } from 'node:events';
import mysqlCallback from 'mysql2';
import { buildFhirServices } from '../../server/src/fhir-services.js';
import { loadConfig } from '../../server/src/config.js';

export interface Measured {
  run: string;
  resources: number;
  seconds: number;
  files: number;
  readyRssMb: number;
  peakRssMb: number;
  peakHeapUsedMb: number;
  peakExternalMb: number;
  peakArrayBuffersMb: number;
  /** RSS every tenth of the run (MB), to see whether it grows with the export's size or levels off. */
  rssTimeline: number[];
}

const MB = 2 ** 20;

function sampler(): { stop(): Omit<Measured, 'run' | 'resources' | 'seconds' | 'files' | 'readyRssMb'> } {
  const peak = { rss: 0, heap: 0, external: 0, arrayBuffers: 0 };
  const rss: number[] = [];
  const sample = () => {
    const m = process.memoryUsage();
    peak.rss = Math.max(peak.rss, m.rss);
    peak.heap = Math.max(peak.heap, m.heapUsed);
    peak.external = Math.max(peak.external, m.external);
    peak.arrayBuffers = Math.max(peak.arrayBuffers, m.arrayBuffers);
    rss.push(m.rss);
  };
  sample();
  const timer = setInterval(sample, 50);
  return {
    stop() {
      clearInterval(timer);
      sample();
      const tenth = (i: number) => Math.round(rss[Math.min(rss.length - 1, Math.floor((i * rss.length) / 10))] / MB);
      return {
        peakRssMb: Math.round(peak.rss / MB),
        peakHeapUsedMb: Math.round(peak.heap / MB),
        peakExternalMb: Math.round(peak.external / MB),
        peakArrayBuffersMb: Math.round(peak.arrayBuffers / MB),
        rssTimeline: Array.from({ length: 11 }, (_, i) => tenth(i)),
      };
    },
  };
}

async function baseline(url: string, dir: string): Promise<Measured> {
  const conn = mysqlCallback.createConnection(url);
  const out = createWriteStream(join(dir, 'baseline.ndjson'));
  const readyRssMb = Math.round(process.memoryUsage.rss() / MB);
  const memory = sampler();
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
  return { run: 'baseline', resources, seconds, files: 1, readyRssMb, ...memory.stop() };
}

/** An export of every type at `level`, run by this process's job runner as a node runs it; kick-off to done. */
async function exportRun(url: string, level: 'system' | 'patient', env: Record<string, string>): Promise<Measured> {
  const services = await buildFhirServices(
    loadConfig({ DATABASE_URL: url, AUTH_MODE: 'open', EXPORT_SETTLE_MS: '0', EXPORT_POLL_MS: '600000', ...env }),
  );
  try {
    services.bulk.start();
    global.gc?.();
    const readyRssMb = Math.round(process.memoryUsage.rss() / MB);
    const memory = sampler();
    const start = performance.now();
    const id = await services.bulk.kickOff('bench', { level, types: [], typeFilters: {} }, undefined);
    await services.bulk.idle();
    const seconds = (performance.now() - start) / 1000;
    const measured = memory.stop();
    const status = await services.bulk.status(id, undefined, 'http://bench');
    if (status.state !== 'done') throw new Error(`export ${status.state}: ${JSON.stringify(status)}`);
    const resources = status.manifest.output.reduce((n, f) => n + f.count, 0);
    await services.bulk.discard(id);
    return { run: level, resources, seconds, files: status.manifest.output.length, readyRssMb, ...measured };
  } finally {
    await services.close();
  }
}

const [url, run, dir, blobEnv] = process.argv.slice(2);
if (!url || !run || !dir) throw new Error('usage: measure.ts <database url> <baseline|system|patient> <dir> [blob env JSON]');
const result =
  run === 'baseline'
    ? await baseline(url, dir)
    : await exportRun(url, run as 'system' | 'patient', blobEnv ? (JSON.parse(blobEnv) as Record<string, string>) : { BLOB_DIR: dir });
process.stdout.write(`${JSON.stringify(result)}\n`);
process.exit(0);
