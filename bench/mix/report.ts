// Figures of the mix as published FHIR benchmarks give them: per shape and overall, ok requests per second, p50
// and p99 of the 2xx answers only, and the other answers counted by status; as markdown tables for BENCHMARKS.md.
import type { MixRun, ShapeRecord } from './drive.js';

export interface Figures {
  okPerSecond: number;
  p50: number;
  p99: number;
  ok: number;
  errors: Map<number, number>;
}

const percentile = (sorted: number[], p: number) =>
  sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];

export function figures(records: ShapeRecord[], seconds: number): Figures {
  const ok = records.flatMap((r) => r.ok).sort((a, b) => a - b);
  const errors = new Map<number, number>();
  for (const r of records) for (const [status, n] of r.errors) errors.set(status, (errors.get(status) ?? 0) + n);
  return { okPerSecond: ok.length / seconds, p50: percentile(ok, 0.5), p99: percentile(ok, 0.99), ok: ok.length, errors };
}

const ms = (x: number) => (Number.isNaN(x) ? '-' : x < 10 ? x.toFixed(1) : Math.round(x).toLocaleString('en'));
const rate = (x: number) => (x < 10 ? x.toFixed(1) : Math.round(x).toLocaleString('en'));
/** `400: 12, 0: 1` (0 = no answer: socket error or timeout); empty when there were none. */
const errorText = (errors: Map<number, number>) =>
  [...errors]
    .sort((a, b) => a[0] - b[0])
    .map(([s, n]) => `${s}: ${n}`)
    .join(', ');

export interface SizedRun {
  patients: number;
  run: MixRun;
  /** innodb_buffer_pool_size at the end of the cell, bytes. */
  pool: number;
  /** Mean 1-minute load average of the machine during the cell (2 cores shared with other work). */
  load: number;
}

/** Overall per size and client count, with the ratio of p50 to the smallest size's at the same client count. */
export function overallTable(runs: SizedRun[]): string {
  const smallest = Math.min(...runs.map((r) => r.patients));
  const base = new Map(
    runs.filter((r) => r.patients === smallest).map((r) => [r.run.clients, figures([...r.run.shapes.values()], r.run.seconds).p50]),
  );
  const lines = [
    '| patients | clients | ok req/s | p50 ms | p99 ms | errors (status: count) | p50 ratio to ' +
      smallest.toLocaleString('en') +
      ' patients | load average |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const { patients, run, load } of runs) {
    const f = figures([...run.shapes.values()], run.seconds);
    lines.push(
      `| ${patients.toLocaleString('en')} | ${run.clients} | ${rate(f.okPerSecond)} | ${ms(f.p50)} | ${ms(f.p99)} | ${errorText(f.errors) || '0'} | ${(f.p50 / base.get(run.clients)!).toFixed(2)} | ${load.toFixed(1)} |`,
    );
  }
  return lines.join('\n');
}

/** One row per shape for one size and client count. */
export function shapeTable({ patients, run, load, pool }: SizedRun): string {
  const lines = [
    `Per shape, ${patients.toLocaleString('en')} patients, ${run.clients} client(s), ${run.seconds} s, load average ${load.toFixed(1)}, ` +
      `buffer pool ${(pool / 2 ** 30).toFixed(1)} GiB at the end:`,
    '',
    '| shape | ok | ok req/s | p50 ms | p99 ms | errors (status: count) |',
    '| --- | --- | --- | --- | --- | --- |',
  ];
  for (const [name, record] of run.shapes) {
    const f = figures([record], run.seconds);
    lines.push(`| \`${name}\` | ${f.ok} | ${rate(f.okPerSecond)} | ${ms(f.p50)} | ${ms(f.p99)} | ${errorText(f.errors) || '0'} |`);
  }
  return lines.join('\n');
}
