// What an import reports: resources created and unchanged (per type), records skipped by reason, as a
// Parameters resource (the out parameters of https://fhir.fibrotrack.org/OperationDefinition/import-wearable).
import type { Parameters, ParametersParameter } from 'fhir/r4.js';

export interface SkipTally {
  reason: string;
  count: number;
  /** Where the first record skipped for this reason sits in the source (file, line or path). */
  firstPosition: string;
}

export interface ImportSummary {
  source: string;
  fileName: string;
  created: Record<string, number>;
  unchanged: Record<string, number>;
  skipped: Map<string, SkipTally>;
}

export function emptySummary(source: string, fileName: string): ImportSummary {
  return { source, fileName, created: {}, unchanged: {}, skipped: new Map() };
}

/** `records`: how many records the skip stands for (a mapper's summary of drops for one reason counts many). */
export function countSkip(summary: ImportSummary, reason: string, position: string, records = 1): void {
  const tally = summary.skipped.get(reason);
  if (tally) tally.count += records;
  else summary.skipped.set(reason, { reason, count: records, firstPosition: position });
}

export function countStored(summary: ImportSummary, type: string, created: boolean): void {
  const into = created ? summary.created : summary.unchanged;
  into[type] = (into[type] ?? 0) + 1;
}

const total = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);

export function summaryParameters(s: ImportSummary, extra: ParametersParameter[] = []): Parameters {
  const types = [...new Set([...Object.keys(s.created), ...Object.keys(s.unchanged)])].sort();
  const skipped = [...s.skipped.values()];
  return {
    resourceType: 'Parameters',
    parameter: [
      { name: 'source', valueCode: s.source },
      { name: 'fileName', valueString: s.fileName },
      { name: 'created', valueInteger: total(s.created) },
      { name: 'unchanged', valueInteger: total(s.unchanged) },
      { name: 'skipped', valueInteger: skipped.reduce((n, t) => n + t.count, 0) },
      ...types.map((type) => ({
        name: 'resourceType',
        part: [
          { name: 'type', valueCode: type },
          { name: 'created', valueInteger: s.created[type] ?? 0 },
          { name: 'unchanged', valueInteger: s.unchanged[type] ?? 0 },
        ],
      })),
      ...skipped.map((t) => ({
        name: 'skippedReason',
        part: [
          { name: 'reason', valueString: t.reason },
          { name: 'count', valueInteger: t.count },
          { name: 'firstPosition', valueString: t.firstPosition },
        ],
      })),
      ...extra,
    ],
  };
}
