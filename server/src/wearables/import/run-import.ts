// One import from a spooled upload to stored resources: stage (map + validate everything), then commit.
// Used by Patient/$import-wearable (inline or as a job) and by `fibrotrack import`.
import { rm } from 'node:fs/promises';
import type { AppleLimits } from '../../../../mappings/src/index.js';
import type { FhirContext } from '../../fhir/fhir-context.js';
import type { WriteChecks } from '../../fhir/write-problems.js';
import { commitImport } from './commit-import.js';
import type { ImportSummary } from './import-summary.js';
import type { ImportProgress } from './progress.js';
import { stageImport, type ImportInput } from './stage-import.js';

export interface ImportRunOptions {
  spoolDir: string;
  batchSize: number;
  onProgress?: (p: ImportProgress) => void;
  /** Aborted when the client has gone (an inline import) or the server stops (a job): the import stops. */
  signal?: AbortSignal;
  /** How far an Apple export is read (defaults: DEFAULT_APPLE_LIMITS). */
  appleLimits?: AppleLimits;
  /** Where the first pass validates (the server's validation thread); in this thread when absent. */
  checks?: WriteChecks;
}

export async function runImport(input: ImportInput, ctx: FhirContext, opts: ImportRunOptions): Promise<ImportSummary> {
  const staged = await stageImport(input, ctx, opts);
  try {
    await commitImport(staged, ctx, opts);
    return staged.summary;
  } finally {
    await rm(staged.path, { force: true });
  }
}
