// First pass of an import: maps and validates the whole upload before anything is stored, writing the
// transaction Bundles to a staging file (one per line). A bad record fails the import here, so that
// nothing is stored, unless bestEffort asks to skip it.
import { randomUUID } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Device, Observation } from 'fhir/r4.js';
import type { FhirContext } from '../../fhir/fhir-context.js';
import { inlineWriteChecks, type WriteChecks } from '../../fhir/write-problems.js';
import type { AppleLimits, MappedBatch, MappingOptions, WearableSource } from '../../../../mappings/src/index.js';
import { inputFailure, isMappingError, mappingFailure } from './import-errors.js';
import { countSkip, emptySummary, type ImportSummary } from './import-summary.js';
import { mappedBatches } from './mapped-batches.js';
import { patientBundle } from './patient-bundle.js';
import { createStagingFile } from './staging-file.js';
import type { ImportProgress } from './progress.js';

export interface ImportInput {
  source: WearableSource;
  /** The spooled upload. */
  path: string;
  fileName: string;
  patientId: string;
  timeZone?: string;
  utcOffset?: string;
  bestEffort: boolean;
}

export interface StagedImport {
  path: string;
  patientId: string;
  batches: number;
  summary: ImportSummary;
  /**
   * The validator and profiles every staged resource passed (validateWrite), so that the commit need not run them
   * again; checks in the validation thread ran the same validation, built from the same definitions and profiles.
   */
  validatedIn: Pick<FhirContext, 'validate' | 'profiles'>;
}

/**
 * Batches mapped ahead of the one whose checks are taken up: with the checks in the validation thread, the main
 * thread maps while the other core validates. Each holds one batch of mapped resources.
 */
const BATCHES_IN_FLIGHT = 2;

interface InFlight {
  batch: MappedBatch;
  /** The batch's Devices not in an earlier batch: checked, and stored, once. */
  devices: Device[];
  /** Of the devices, then of the batch's Observations. */
  problems: Promise<(string | undefined)[]>;
}

export async function stageImport(
  input: ImportInput,
  ctx: FhirContext,
  opts: {
    spoolDir: string;
    batchSize: number;
    onProgress?: (p: ImportProgress) => void;
    signal?: AbortSignal;
    checks?: WriteChecks;
    appleLimits?: AppleLimits;
  },
): Promise<StagedImport> {
  const summary = emptySummary(input.source, input.fileName);
  const path = join(opts.spoolDir, `fibrotrack-staged-${randomUUID()}.ndjson`);
  const out = createStagingFile(path);
  const mapping: MappingOptions & { fileName: string; signal?: AbortSignal; limits?: AppleLimits } = {
    patientReference: `Patient/${input.patientId}`,
    timeZone: input.timeZone,
    utcOffset: input.utcOffset,
    bestEffort: input.bestEffort,
    fileName: input.fileName,
    signal: opts.signal,
    limits: opts.appleLimits,
  };
  const seenDevices = new Set<string>();
  const rejectedDevices = new Map<string, string>();
  const checks = opts.checks ?? inlineWriteChecks(ctx);
  let batches = 0;
  let records = 0;
  let bytesRead = 0;
  // Only an export.xml is read by bytes here; a zip is inflated inside the mapping, JSON is parsed whole.
  const totalBytes = input.source === 'apple-health-xml' ? (await stat(input.path)).size : undefined;
  const report = () =>
    opts.onProgress?.(
      totalBytes
        ? { phase: 'validating', done: bytesRead, total: totalBytes, unit: 'bytes' }
        : { phase: 'validating', done: records, unit: 'records' },
    );

  // A batch's outcome is taken in upload order, as if each were checked before the next was mapped.
  const settle = async ({ batch, devices, problems }: InFlight) => {
    const found = await problems;
    let skipped = 0;
    for (const s of batch.skipped) {
      countSkip(summary, s.reason, s.position, s.count ?? 1);
      skipped += s.count ?? 1;
    }
    records += batch.observations.length + skipped;
    const stored = devices.filter((d, i) => {
      const problem = found[i];
      if (!problem) return true;
      const key = identifierKey(d);
      if (!input.bestEffort)
        throw inputFailure('unprocessable', input.fileName, `Device ${key}`, `the Device mapped from the source is invalid: ${problem}`);
      rejectedDevices.set(`Device?identifier=${key}`, `Device ${key} is invalid: ${problem}`);
      return false;
    });
    const observations = batch.observations.filter((o, i) => {
      // Without its Device an Observation's conditional reference could not resolve: it goes too.
      const withoutDevice = rejectedDevices.get(o.device?.reference ?? '');
      const problem = withoutDevice ?? found[devices.length + i];
      if (!problem) return true;
      if (!input.bestEffort)
        throw inputFailure('unprocessable', input.fileName, `record ${identifierKey(o)}`, `the mapped Observation is invalid: ${problem}`);
      countSkip(summary, withoutDevice ?? `invalid Observation: ${problem}`, `record ${identifierKey(o)}`);
      return false;
    });
    if (observations.length + stored.length > 0) {
      await out.writeLine(JSON.stringify(patientBundle({ observations, devices: stored, skipped: [] }, input.patientId)));
      batches++;
    }
    report();
  };

  const inFlight: InFlight[] = [];
  try {
    try {
      for await (const batch of mappedBatches(input.source, input.path, mapping, opts.batchSize, (b) => (bytesRead = b))) {
        opts.signal?.throwIfAborted();
        const devices = batch.devices.filter((d) => {
          const key = identifierKey(d);
          if (seenDevices.has(key)) return false;
          seenDevices.add(key);
          return true;
        });
        const problems = checks.problems([...devices, ...batch.observations]);
        // Taken up by settle in order; a batch left behind by an earlier failure must not be an unhandled rejection.
        problems.catch(() => undefined);
        inFlight.push({ batch, devices, problems });
        if (inFlight.length > BATCHES_IN_FLIGHT) await settle(inFlight.shift()!);
      }
    } catch (err) {
      // A record invalid before the point where the upload broke is the first problem, as it always was.
      if (isMappingError(err)) for (const f of inFlight.splice(0)) await settle(f);
      throw err;
    }
    for (const f of inFlight.splice(0)) await settle(f);
    await out.finish();
  } catch (err) {
    await out.discard();
    throw isMappingError(err) ? mappingFailure(err, input.fileName) : err;
  }
  return { path, patientId: input.patientId, batches, summary, validatedIn: { validate: ctx.validate, profiles: ctx.profiles } };
}

const identifierKey = (r: Observation | Device) => {
  const id = r.identifier?.[0];
  return id ? `${id.system ?? ''}|${id.value ?? ''}` : '(no identifier)';
};
