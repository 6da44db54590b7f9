// How far an import has come, and its one-line rendering (the X-Progress header, the CLI's plain output).
export interface ImportProgress {
  phase: 'receiving' | 'validating' | 'storing';
  done: number;
  total?: number;
  unit: 'bytes' | 'batches';
  /** Source records read so far (validating) . */
  records?: number;
}

export function describeProgress(p: ImportProgress): string {
  const amount = p.unit === 'bytes' ? mib : (n: number) => `${n} batches`;
  const of = p.total ? ` of ${amount(p.total)}${p.total > 0 ? ` (${Math.floor((100 * p.done) / p.total)}%)` : ''}` : '';
  const records = p.records !== undefined ? `, ${p.records} records` : '';
  return `${p.phase}: ${amount(p.done)}${of}${records}`;
}

const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
