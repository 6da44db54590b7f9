// bench/crud --interleave R: the figures the goals are about, with the targets up side by side and their runs
// taken in turn, R rounds, medians reported: on a shared machine whose load drifts from minute to minute, runs taken
// minutes apart are not comparable, runs taken in turn are. Targets: the baseline, AUTH_MODE=open, AUTH_MODE=smart
// (token cache on) and AUTH_MODE=smart with TOKEN_CACHE_MS=0; workloads: read by id and mixed, at 10 clients.
import { startServer, type RunningServer } from '../ingest/start-server.js';
import { load, median, type LoadResult } from './load.js';
import { smartToken } from './smart-token.js';
import { workload, type Workload } from './workloads.js';

export interface Target {
  name: string;
  origin: string;
  headers: Record<string, string>;
  stop(): Promise<void>;
}

export async function serverTarget(name: string, env: Record<string, string>, databaseUrl: string): Promise<Target> {
  const server: RunningServer = await startServer(env);
  const origin = server.base.replace(/\/fhir$/, '');
  try {
    const headers: Record<string, string> =
      env.AUTH_MODE === 'smart' ? { Authorization: `Bearer ${await smartToken(origin, databaseUrl)}` } : {};
    return { name, origin, headers, stop: () => server.stop() };
  } catch (err) {
    await server.stop();
    throw err;
  }
}

/** Markdown table: per workload and target, median req/s, p50 and p99 over the rounds, and ratios. */
export async function interleaved(
  targets: Target[],
  runs: { workload: Workload; targets: string[] }[],
  patients: string[],
  rounds: number,
  seconds: number,
  clients = 10,
): Promise<string> {
  const results = new Map<string, LoadResult[]>();
  for (let r = 0; r < rounds; r++) {
    for (const run of runs) {
      for (const target of targets.filter((t) => run.targets.includes(t.name))) {
        const result = await load(target.origin, clients, seconds, workload(run.workload, patients), target.headers);
        const key = `${run.workload}|${target.name}`;
        results.set(key, [...(results.get(key) ?? []), result]);
        console.error(`round ${r + 1} ${key}: ${result.rps.toFixed(0)} req/s, p99 ${result.p99} ms, ${result.failed} failed`);
      }
    }
  }
  const rps = (key: string) => median(results.get(key)!.map((x) => x.rps));
  const lines = [
    `\nIn turn, ${rounds} rounds of ${seconds} s per target, ${clients} clients, medians:\n`,
    '| workload | target | req/s | p50 ms | p99 ms | failed | ratio to the baseline read | ratio to AUTH_MODE=open |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const [key, rs] of results) {
    const [name, target] = key.split('|');
    const toBaseline = results.has('read|baseline') ? (rps(key) / rps('read|baseline')).toFixed(2) : '';
    const toOpen = results.has(`${name}|open`) ? (rps(key) / rps(`${name}|open`)).toFixed(2) : '';
    lines.push(
      `| ${name} | ${target} | ${rps(key).toFixed(0)} | ${median(rs.map((x) => x.p50))} | ${median(rs.map((x) => x.p99))} | ${rs.reduce((n, x) => n + x.failed, 0)} | ${toBaseline} | ${toOpen} |`,
    );
  }
  return lines.join('\n');
}
