// A spooled upload as a stream of mapped batches: Apple Health streamed in constant memory, Fitbit and
// Google Fit JSON parsed whole (they are per-day or per-range files) and cut into batches.
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { Transform } from 'node:stream';
import { payloadTooLarge } from '../../../core/outcomes.js';
import {
  mapAppleHealthXml, mapAppleHealthZip, mapFitbit, mapGoogleFit,
  type AppleOptions, type MappedBatch, type MappingOptions, type WearableSource,
} from '../../../../../mappings/src/index.js';
import { inputFailure } from './import-errors.js';

/** JSON files are parsed whole; anything larger belongs in several files. */
export const MAX_JSON_BYTES = 256 * 1024 * 1024;

export async function* mappedBatches(
  source: WearableSource,
  path: string,
  opts: MappingOptions & Pick<AppleOptions, 'signal' | 'limits'> & { fileName: string },
  batchSize: number,
  onBytesRead: (bytes: number) => void = () => undefined,
): AsyncGenerator<MappedBatch> {
  if (source === 'apple-health-xml') {
    yield* mapAppleHealthXml(createReadStream(path).pipe(byteMeter(onBytesRead)), { ...opts, batchSize });
  } else if (source === 'apple-health-zip') {
    yield* mapAppleHealthZip(path, { ...opts, batchSize });
  } else {
    const json = await readJson(path, opts.fileName);
    yield* chunks(source === 'fitbit' ? mapFitbit(json, opts) : mapGoogleFit(json, opts), batchSize);
  }
}

async function readJson(path: string, fileName: string): Promise<unknown> {
  const { size } = await stat(path);
  if (size > MAX_JSON_BYTES) throw payloadTooLarge(MAX_JSON_BYTES);
  const text = await readFile(path, 'utf8');
  try {
    return JSON.parse(text);
  } catch (err) {
    // Node names the character where parsing failed, except when the text ends too early.
    const at = /position (\d+)/.exec((err as Error).message)?.[1] ?? String(text.length);
    throw inputFailure(400, fileName, `character ${at}`, `not valid JSON (${(err as Error).message})`);
  }
}

/** The one mapped batch of a JSON file, cut so that no transaction grows past `size` Observations. */
function* chunks(batch: MappedBatch, size: number): Generator<MappedBatch> {
  if (batch.observations.length <= size) {
    yield batch;
    return;
  }
  for (let i = 0; i < batch.observations.length; i += size) {
    yield {
      observations: batch.observations.slice(i, i + size),
      devices: i === 0 ? batch.devices : [],
      skipped: i === 0 ? batch.skipped : [],
    };
  }
}

function byteMeter(onBytes: (bytes: number) => void): Transform {
  let bytes = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      bytes += chunk.length;
      onBytes(bytes);
      done(null, chunk);
    },
  });
}
