// Second pass of an import: stores the staged transaction Bundles through the transaction interaction (indexing,
// ifNoneExist and conditional references as for any client Bundle; the resources were validated by the first pass
// with the same validator, so the transaction does not validate them again).
// The import holds the patient's import lock for the whole pass, so that its batches can run side by side, each
// in its own transaction: while the database writes one batch, the server prepares the next.
import { createReadStream } from 'node:fs';
import type { Bundle, BundleEntry } from 'fhir/r4.js';
import { streamLines } from '../../../../mappings/src/stream-lines.js';
import { OutcomeError, issue, outcome } from '../../core/outcomes.js';
import type { FhirContext } from '../../fhir/fhir-context.js';
import { transaction, type TransactionOptions } from '../../fhir/interactions/transaction.js';
import { countStored, type ImportSummary } from './import-summary.js';
import { importLockKey, recordKeys, withoutStored } from './stored-records.js';
import type { ImportProgress } from './progress.js';
import type { StagedImport } from './stage-import.js';

/** Batches in flight at once: one being written by the database while the server prepares the other. */
export const BATCHES_IN_FLIGHT = 2;

export async function commitImport(
  staged: StagedImport,
  ctx: FhirContext,
  opts: { onProgress?: (p: ImportProgress) => void; signal?: AbortSignal } = {},
): Promise<void> {
  let done = 0;
  const report = () => opts.onProgress?.({ phase: 'storing', done, total: staged.batches, unit: 'batches' });
  report();
  await ctx.repo.withLock(importLockKey(staged.patientId), async () => {
    const inFlight = new Map<Promise<void>, ReadonlySet<string>>();
    let failure: unknown;
    // Read a batch at a time: the staged file of a large import is far larger than memory should hold.
    const lines = streamLines(createReadStream(staged.path));
    const settle = async (all: boolean) => {
      while (inFlight.size > (all ? 0 : BATCHES_IN_FLIGHT - 1)) await Promise.race(inFlight.keys());
    };
    try {
      for await (const line of lines) {
        if (failure !== undefined) break;
        opts.signal?.throwIfAborted();
        const bundle = JSON.parse(line) as Bundle;
        // New Devices are committed before any later batch runs: its Observations refer to them conditionally.
        const createsDevices = bundle.entry?.some((e) => e.resource?.resourceType === 'Device') ?? false;
        await settle(createsDevices);
        if (failure !== undefined) break;
        const pending = new Set([...inFlight.values()].flatMap((keys) => [...keys]));
        const keys = recordKeys(bundle.entry ?? []);
        const run: Promise<void> = storeBundle(bundle, ctx, staged.summary, staged.patientId, {
          validatedIn: staged.validatedIn,
          lockHeld: true,
          pending,
          keys,
        })
          .then(
            () => {
              done++;
              report();
            },
            (err: unknown) => {
              failure ??= err;
            },
          )
          .finally(() => inFlight.delete(run));
        inFlight.set(run, new Set(keys.values()));
        if (createsDevices) await settle(true);
      }
    } finally {
      // Never leave the lock while a batch is still writing, whatever ended the loop.
      await settle(true);
    }
    // eslint-disable-next-line @typescript-eslint/only-throw-error -- a batch's own rejection, rethrown as it came
    if (failure !== undefined) throw failure instanceof OutcomeError ? partiallyStored(failure, done, staged.batches) : failure;
  });
}

export interface StoreOptions extends TransactionOptions {
  /** The caller holds the patient's import lock (commitImport); otherwise the transaction takes it. */
  lockHeld?: boolean;
  /** Identifiers of records that batches still in flight are storing: counted unchanged here, as once those commit. */
  pending?: ReadonlySet<string>;
  /** The bundle's recordKeys, when the caller has worked them out. */
  keys?: Map<BundleEntry, string>;
}

/** One transaction; each entry counts as created (201) or unchanged (200 or found stored: its identifier was there). */
export async function storeBundle(
  bundle: Bundle,
  ctx: FhirContext,
  summary: ImportSummary,
  patientId: string,
  opts: StoreOptions = {},
): Promise<void> {
  const store = () =>
    ctx.repo.transaction(async (repo) => {
      const txCtx: FhirContext = { ...ctx, repo };
      const { bundle: fresh, unchanged } = await withoutStored(bundle, txCtx, patientId, opts.pending, opts.keys);
      const response = await transaction(fresh, 'minimal', txCtx, opts);
      return [
        ...unchanged.map((e) => [e.resource!.resourceType, false] as const),
        ...(response.entry ?? []).map(
          (e, i) => [fresh.entry![i].resource!.resourceType, e.response?.status.startsWith('201') ?? false] as const,
        ),
      ];
    });
  // The lock is taken before the transaction's connection: waiting for it holds nothing from the pool.
  const counts = opts.lockHeld ? await store() : await ctx.repo.withLock(importLockKey(patientId), store);
  for (const [type, created] of counts) countStored(summary, type, created);
}

/** The staged records were valid, so a failure here is the store's; say what was kept and how to finish. */
function partiallyStored(err: OutcomeError, stored: number, total: number): OutcomeError {
  const note = issue({
    severity: 'information',
    code: 'informational',
    diagnostics: `A batch failed; ${stored} of ${total} batches are stored. Importing the same file again stores the rest and nothing twice.`,
  });
  return new OutcomeError(err.code, outcome(...err.outcome.issue, note), err.headers);
}
