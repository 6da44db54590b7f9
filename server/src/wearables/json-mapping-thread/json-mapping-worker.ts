// A JSON mapping thread itself: reads the spooled Fitbit or Google Fit file, parses and maps it whole, then hands
// the mapped batches to the main thread one at a time, each when asked for (json-mapping-thread.ts).
import { readFile } from 'node:fs/promises';
import { parentPort, workerData } from 'node:worker_threads';
import { MappingError, mapFitbit, mapGoogleFit, type MappedBatch } from '../../../../mappings/src/index.js';
import { jsonSyntaxPosition } from './json-syntax-position.js';
import type { JsonJob, ThreadError, ThreadReply } from './json-mapping-thread.js';

const port = parentPort!;
const job = workerData as JsonJob;

/** Resolves at the main thread's next request for a batch. */
const asked = () => new Promise<void>((resolve) => port.once('message', () => resolve()));

/** A UTF-8 byte order mark (Windows editors, several SDKs) is no part of the JSON text. */
const BOM = '\ufeff';

function mapWhole(file: string): MappedBatch {
  const bom = file.startsWith(BOM) ? 1 : 0;
  const text = bom ? file.slice(1) : file;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    // JSON.parse names no position for most errors: the first offending character is found here, and named in the
    // file as uploaded (the byte order mark counted).
    const at = (jsonSyntaxPosition(text) ?? text.length) + bom;
    throw Object.assign(new Error((err as Error).message), { jsonAt: at, jsonWhere: where(file, at) });
  }
  return job.source === 'fitbit' ? mapFitbit(json, job.options) : mapGoogleFit(json, job.options);
}

/** Line, column and byte offset of character `at`, for a person opening the file in an editor or a hex viewer. */
function where(file: string, at: number): string {
  const before = file.slice(0, at);
  const line = before.split('\n').length;
  const column = at - before.lastIndexOf('\n');
  return `line ${line}, column ${column}, byte ${Buffer.byteLength(before, 'utf8')}`;
}

/**
 * The one mapped batch of a file, cut so that no transaction grows past `size` Observations and no message carries
 * more than `size` skipped records either (a file of device gaps skips millions).
 */
function* chunks(batch: MappedBatch, size: number): Generator<MappedBatch> {
  const n = Math.max(batch.observations.length, batch.skipped.length);
  let i = 0;
  do {
    yield {
      observations: batch.observations.slice(i, i + size),
      devices: i === 0 ? batch.devices : [],
      skipped: batch.skipped.slice(i, i + size),
    };
    i += size;
  } while (i < n);
}

function describe(err: unknown): ThreadError {
  if (err instanceof MappingError)
    return { kind: 'mapping', name: err.name, message: err.message, fileName: err.fileName, position: err.position };
  const e = err instanceof Error ? err : new Error(String(err));
  const { jsonAt, jsonWhere } = e as { jsonAt?: number; jsonWhere?: string };
  if (jsonAt !== undefined) return { kind: 'json', message: `${e.message} at ${jsonWhere}`, at: jsonAt };
  return { kind: 'other', message: e.message, stack: e.stack };
}

async function run(): Promise<void> {
  let batches: Generator<MappedBatch>;
  try {
    batches = chunks(mapWhole(await readFile(job.path, 'utf8')), job.batchSize);
  } catch (err) {
    await asked();
    port.postMessage({ error: describe(err) } satisfies ThreadReply);
    return;
  }
  for (const batch of batches) {
    await asked();
    port.postMessage({ batch } satisfies ThreadReply);
  }
  await asked();
  port.postMessage({ done: true } satisfies ThreadReply);
}

await run();
