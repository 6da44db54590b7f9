// First pass of an import: maps and validates the whole upload before anything is stored, writing the
// transaction Bundles to a staging file (one per line). A bad record fails the import here, so that
// nothing is stored, unless bestEffort asks to skip it.
import { randomUUID } from 'node:crypto';
import { createWriteStream, type WriteStream } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { once } from 'node:events';
import type { Device, Observation, OperationOutcomeIssue } from 'fhir/r4.js';
import { OutcomeError } from '../../../core/outcomes.js';
import type { FhirContext } from '../../fhir-context.js';
import { validateWrite } from '../../validate-write.js';
import type { MappingOptions, WearableSource } from '../../../../../mappings/src/index.js';
import { inputFailure, isMappingError, mappingFailure } from './import-errors.js';
import { countSkip, emptySummary, type ImportSummary } from './import-summary.js';
import { mappedBatches } from './mapped-batches.js';
import { patientBundle } from './patient-bundle.js';
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
  /** The validator and profiles every staged resource passed (validateWrite), so that the commit need not run them again. */
  validatedIn: Pick<FhirContext, 'validate' | 'profiles'>;
}

export async function stageImport(
  input: ImportInput,
  ctx: FhirContext,
  opts: { spoolDir: string; batchSize: number; onProgress?: (p: ImportProgress) => void; signal?: AbortSignal },
): Promise<StagedImport> {
  const summary = emptySummary(input.source, input.fileName);
  const path = join(opts.spoolDir, `fibrotrack-staged-${randomUUID()}.ndjson`);
  const out = createWriteStream(path, { flags: 'wx', mode: 0o600 });
  const mapping: MappingOptions & { fileName: string } = {
    patientReference: `Patient/${input.patientId}`,
    timeZone: input.timeZone,
    utcOffset: input.utcOffset,
    bestEffort: input.bestEffort,
    fileName: input.fileName,
  };
  const seenDevices = new Set<string>();
  const rejectedDevices = new Map<string, string>();
  let batches = 0;
  let records = 0;
  let bytesRead = 0;
  // Only an export.xml is read by bytes here; a zip is inflated inside the mapping, JSON is parsed whole.
  const totalBytes = input.source === 'apple-health-xml' ? (await stat(input.path)).size : undefined;
  const report = () =>
    opts.onProgress?.(totalBytes ? { phase: 'validating', done: bytesRead, total: totalBytes, unit: 'bytes' } : { phase: 'validating', done: records, unit: 'records' });
  try {
    for await (const batch of mappedBatches(input.source, input.path, mapping, opts.batchSize, (b) => (bytesRead = b))) {
      opts.signal?.throwIfAborted();
      for (const s of batch.skipped) countSkip(summary, s.reason, s.position);
      records += batch.observations.length + batch.skipped.length;
      const devices = batch.devices.filter((d) => {
        const key = identifierKey(d);
        if (seenDevices.has(key)) return false;
        seenDevices.add(key);
        const problem = firstError(ctx, d);
        if (!problem) return true;
        if (!input.bestEffort) throw inputFailure(422, input.fileName, `Device ${key}`, `the Device mapped from the source is invalid: ${problem}`);
        rejectedDevices.set(`Device?identifier=${key}`, `Device ${key} is invalid: ${problem}`);
        return false;
      });
      const observations = batch.observations.filter((o) => {
        // Without its Device an Observation's conditional reference could not resolve: it goes too.
        const withoutDevice = rejectedDevices.get(o.device?.reference ?? '');
        const problem = withoutDevice ?? firstError(ctx, o);
        if (!problem) return true;
        if (!input.bestEffort) throw inputFailure(422, input.fileName, `record ${identifierKey(o)}`, `the mapped Observation is invalid: ${problem}`);
        countSkip(summary, withoutDevice ?? `invalid Observation: ${problem}`, `record ${identifierKey(o)}`);
        return false;
      });
      if (observations.length + devices.length > 0) {
        await writeLine(out, JSON.stringify(patientBundle({ observations, devices, skipped: [] }, input.patientId)));
        batches++;
      }
      report();
    }
    out.end();
    await once(out, 'finish');
  } catch (err) {
    out.destroy();
    await rm(path, { force: true });
    throw isMappingError(err) ? mappingFailure(err, input.fileName) : err;
  }
  return { path, patientId: input.patientId, batches, summary, validatedIn: { validate: ctx.validate, profiles: ctx.profiles } };
}

/** The checks the transaction will apply (R4 structure, then the profiles claimed), run before anything is stored. */
function firstError(ctx: FhirContext, resource: Observation | Device): string | undefined {
  try {
    validateWrite(resource, resource.resourceType, ctx);
    return undefined;
  } catch (err) {
    if (!(err instanceof OutcomeError)) throw err;
    return err.outcome.issue.map(describe).join('; ');
  }
}

const describe = (i: OperationOutcomeIssue) => `${i.expression?.length ? `${i.expression.join(', ')}: ` : ''}${i.diagnostics ?? i.code}`;

const identifierKey = (r: Observation | Device) => {
  const id = r.identifier?.[0];
  return id ? `${id.system ?? ''}|${id.value ?? ''}` : '(no identifier)';
};

async function writeLine(out: WriteStream, line: string): Promise<void> {
  if (!out.write(`${line}\n`)) await once(out, 'drain');
}
