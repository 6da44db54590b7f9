// Second pass of an import: stores the staged transaction Bundles one by one through the transaction
// interaction (indexing, ifNoneExist and conditional references as for any client Bundle; the resources were
// validated by the first pass with the same validator, so the transaction does not validate them again).
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Bundle } from 'fhir/r4.js';
import { OutcomeError, issue, outcome } from '../../../core/outcomes.js';
import type { FhirContext } from '../../fhir-context.js';
import { transaction, type TransactionOptions } from '../../interactions/transaction.js';
import { countStored, type ImportSummary } from './import-summary.js';
import { importLockKey, withoutStored } from './stored-records.js';
import type { ImportProgress } from './progress.js';
import type { StagedImport } from './stage-import.js';

export async function commitImport(
  staged: StagedImport,
  ctx: FhirContext,
  opts: { onProgress?: (p: ImportProgress) => void; signal?: AbortSignal } = {},
): Promise<void> {
  const lines = createInterface({ input: createReadStream(staged.path, 'utf8'), crlfDelay: Infinity });
  let done = 0;
  opts.onProgress?.({ phase: 'storing', done, total: staged.batches, unit: 'batches' });
  for await (const line of lines) {
    opts.signal?.throwIfAborted();
    const bundle = JSON.parse(line) as Bundle;
    try {
      await storeBundle(bundle, ctx, staged.summary, staged.patientId, { validatedIn: staged.validatedIn });
    } catch (err) {
      throw err instanceof OutcomeError ? partiallyStored(err, done, staged.batches) : err;
    }
    opts.onProgress?.({ phase: 'storing', done: ++done, total: staged.batches, unit: 'batches' });
  }
}

/** One transaction; each entry counts as created (201) or unchanged (200 or found stored: its identifier was there). */
export async function storeBundle(
  bundle: Bundle,
  ctx: FhirContext,
  summary: ImportSummary,
  patientId: string,
  opts: TransactionOptions = {},
): Promise<void> {
  const counts = await ctx.repo.transaction(async (repo) => {
    const txCtx: FhirContext = { ...ctx, repo };
    await repo.lock(importLockKey(patientId));
    const { bundle: fresh, unchanged } = await withoutStored(bundle, txCtx, patientId);
    const response = await transaction(fresh, 'minimal', txCtx, opts);
    return [
      ...unchanged.map((e) => [e.resource!.resourceType, false] as const),
      ...(response.entry ?? []).map((e, i) => [fresh.entry![i].resource!.resourceType, e.response?.status.startsWith('201') ?? false] as const),
    ];
  });
  for (const [type, created] of counts) countStored(summary, type, created);
}

/** The staged records were valid, so a failure here is the store's; say what was kept and how to finish. */
function partiallyStored(err: OutcomeError, stored: number, total: number): OutcomeError {
  const note = issue({
    severity: 'information',
    code: 'informational',
    diagnostics: `Batch ${stored + 1} of ${total} failed; ${stored} earlier batches are stored. Importing the same file again stores the rest and nothing twice.`,
  });
  return new OutcomeError(err.status, outcome(...err.outcome.issue, note), err.headers);
}
