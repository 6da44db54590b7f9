// mapAppleHealthZip: the export.zip the Health app shares, read as a stream (apple_health_export/export.xml).
// Only export.xml is inflated, under the size and ratio limits of AppleLimits: its declared sizes are checked
// before inflating, and the bytes inflated are counted as they come (a zip bomb is stopped, not read to the end).
import { basename } from 'node:path';
import type { Readable } from 'node:stream';
import yauzl from 'yauzl';
import { InputTooLargeError, MappingError, type MappedBatch } from '../types.js';
import { RATIO_FLOOR_BYTES, appleLimits, type AppleLimits } from './apple-limits.js';
import { mapAppleHealthXml, type AppleOptions } from './map-apple-xml.js';

/** export.xml at any depth (the folder is named per locale on some phones), never export_cda.xml. */
const EXPORT_XML = /(^|\/)export\.xml$/;

interface ZipEntrySizes {
  fileName: string;
  compressedSize: number;
  uncompressedSize: number;
}

function openExportXml(
  zipPath: string,
  zipName: string,
  limits: AppleLimits,
): Promise<{ stream: Readable; entry: ZipEntrySizes; close: () => void }> {
  return new Promise((resolve, reject) => {
    yauzl.open(zipPath, { lazyEntries: true, autoClose: false }, (err, zip) => {
      if (err || !zip) return reject(new MappingError(`not a readable zip file: ${err?.message ?? 'unknown error'}`, zipName));
      const fail = (e: Error) => {
        zip.close();
        reject(e instanceof MappingError ? e : new MappingError(`not a readable zip file: ${e.message}`, zipName));
      };
      zip.on('error', fail);
      zip.on('end', () => fail(new MappingError('no apple_health_export/export.xml inside', zipName)));
      zip.on('entry', (entry: yauzl.Entry) => {
        if (!EXPORT_XML.test(entry.fileName)) return zip.readEntry();
        const refused = beyondLimits(entry.uncompressedSize, entry, zipName, limits, 'is declared to inflate to');
        if (refused) return fail(refused);
        zip.openReadStream(entry, (e, stream) => {
          if (e || !stream) return fail(e ?? new Error('cannot open export.xml'));
          resolve({ stream, entry, close: () => zip.close() });
        });
      });
      zip.readEntry();
    });
  });
}

/** The error for an entry of `bytes` inflated bytes beyond a limit, or undefined. */
function beyondLimits(
  bytes: number,
  entry: ZipEntrySizes,
  zipName: string,
  limits: AppleLimits,
  verb: string,
): InputTooLargeError | undefined {
  const where = `${zipName}/${entry.fileName}`;
  if (bytes > limits.maxUnzippedBytes) {
    return new InputTooLargeError(
      `${entry.fileName} ${verb} ${bytes} bytes; an export.xml may inflate to at most ${limits.maxUnzippedBytes} bytes`,
      where,
    );
  }
  if (bytes > RATIO_FLOOR_BYTES && bytes > limits.maxZipRatio * entry.compressedSize) {
    return new InputTooLargeError(
      `${entry.fileName} ${verb} ${bytes} bytes from ${entry.compressedSize} compressed bytes: more than ${limits.maxZipRatio} times its compressed size, which no real export reaches`,
      where,
    );
  }
  return undefined;
}

/**
 * The inflated bytes as they come, stopped as soon as they pass a limit, whatever the entry declared. A fault of
 * the compressed data (yauzl's size checks, zlib's) is the upload's fault, named like an unreadable zip.
 */
export async function* inflatedWithinLimits(
  stream: AsyncIterable<Buffer>,
  entry: ZipEntrySizes,
  zipName: string,
  limits: AppleLimits,
): AsyncGenerator<Buffer> {
  let bytes = 0;
  const chunks = stream[Symbol.asyncIterator]();
  for (;;) {
    let next: IteratorResult<Buffer>;
    try {
      next = await chunks.next();
    } catch (e) {
      throw new MappingError(`not a readable zip file: ${(e as Error).message}`, `${zipName}/${entry.fileName}`);
    }
    if (next.done) return;
    bytes += next.value.length;
    const refused = beyondLimits(bytes, entry, zipName, limits, 'inflates to at least');
    if (refused) throw refused;
    yield next.value;
  }
}

export async function* mapAppleHealthZip(zipPath: string, opts: AppleOptions): AsyncGenerator<MappedBatch> {
  const zipName = opts.fileName ?? basename(zipPath);
  const limits = appleLimits(opts.limits);
  const { stream, entry, close } = await openExportXml(zipPath, zipName, limits);
  try {
    yield* mapAppleHealthXml(inflatedWithinLimits(stream, entry, zipName, limits), { ...opts, fileName: `${zipName}/${entry.fileName}` });
  } finally {
    stream.destroy();
    close();
  }
}
