// mapAppleHealthZip: the export.zip the Health app shares, read as a stream (apple_health_export/export.xml).
import { basename } from 'node:path';
import type { Readable } from 'node:stream';
import yauzl from 'yauzl';
import { MappingError, type MappedBatch } from '../types.js';
import { mapAppleHealthXml, type AppleOptions } from './map-apple-xml.js';

/** export.xml at any depth (the folder is named per locale on some phones), never export_cda.xml. */
const EXPORT_XML = /(^|\/)export\.xml$/;

function openExportXml(zipPath: string, zipName: string): Promise<{ stream: Readable; entryName: string; close(): void }> {
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
        zip.openReadStream(entry, (e, stream) => {
          if (e || !stream) return fail(e ?? new Error('cannot open export.xml'));
          resolve({ stream, entryName: entry.fileName, close: () => zip.close() });
        });
      });
      zip.readEntry();
    });
  });
}

export async function* mapAppleHealthZip(zipPath: string, opts: AppleOptions): AsyncGenerator<MappedBatch> {
  const zipName = opts.fileName ?? basename(zipPath);
  const { stream, entryName, close } = await openExportXml(zipPath, zipName);
  try {
    yield* mapAppleHealthXml(stream, { ...opts, fileName: `${zipName}/${entryName}` });
  } finally {
    stream.destroy();
    close();
  }
}
