// How far an import has come, and its one-line rendering (the X-Progress header, the CLI's progress).
export interface ImportProgress {
  phase: 'validating' | 'storing';
  done: number;
  total?: number;
  /** Bytes of an export.xml read, source records mapped (zip, JSON), or transactions stored. */
  unit: 'bytes' | 'records' | 'batches';
}

/** Also describes the export CLI's progress (phase 'exporting', unit 'resources'). */
export function describeProgress(p: { phase: string; done: number; total?: number; unit: string }): string {
  const amount = p.unit === 'bytes' ? (n: number) => `${(n / 1024 / 1024).toFixed(1)} MiB` : (n: number) => `${n} ${p.unit}`;
  const of = p.total ? ` of ${amount(p.total)} (${Math.floor((100 * p.done) / p.total)}%)` : '';
  return `${p.phase}: ${amount(p.done)}${of}`;
}
