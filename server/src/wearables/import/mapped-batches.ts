// A spooled upload as a stream of mapped batches: Apple Health streamed in constant memory, Fitbit and
// Google Fit JSON parsed whole (they are per-day or per-range files) in a worker thread and cut into batches there.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Transform } from 'node:stream';
import { payloadTooLarge } from '../../core/outcomes.js';
import {
  mapAppleHealthXml,
  mapAppleHealthZip,
  type AppleOptions,
  type MappedBatch,
  type MappingOptions,
  type WearableSource,
} from '../../../../mappings/src/index.js';
import { JsonSyntaxError, mapJsonInThread } from '../json-mapping-thread/json-mapping-thread.js';
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
    const { size } = await stat(path);
    if (size > MAX_JSON_BYTES) throw payloadTooLarge(MAX_JSON_BYTES);
    const { signal, limits: _apple, ...options } = opts;
    try {
      yield* mapJsonInThread({ source, path, options, batchSize }, signal);
    } catch (err) {
      if (err instanceof JsonSyntaxError)
        throw inputFailure('invalid', opts.fileName, `character ${err.at}`, `not valid JSON (${err.message})`);
      throw err;
    }
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
