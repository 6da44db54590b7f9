// mapAppleHealthXml: an Apple Health export.xml stream to batches of Observations and Devices, in constant memory.
// Step counts of other sources that a watch also counted, and generic Asleep records that iOS 16 stages cover,
// are held back (on disk) until the whole export is read, then dropped where they overlap (see README).
import type { Readable } from 'node:stream';
import { MappingError, type MappedBatch, type MappingOptions } from '../types.js';
import { appleLimits, type AppleLimits } from './apple-limits.js';
import { ExportHandler } from './export-handler.js';
import { XmlMarkupTooLong, XmlScanner, XmlSyntaxError } from './xml-scanner.js';

export type AppleOptions = MappingOptions & {
  batchSize?: number;
  limits?: Partial<AppleLimits>;
  /** Stops the mapping (it throws the signal's reason) at the next slice read: the client has gone. */
  signal?: AbortSignal;
};

const SLICE = 64 * 1024;

export async function* mapAppleHealthXml(
  input: NodeJS.ReadableStream | Readable | AsyncIterable<Buffer | string>,
  opts: AppleOptions,
): AsyncGenerator<MappedBatch> {
  const fileName = opts.fileName ?? 'export.xml';
  const batchSize = Math.max(1, opts.batchSize ?? 1000);
  const h = new ExportHandler(fileName, opts.patientReference, opts.bestEffort ?? false);
  const scanner = new XmlScanner(h, true, appleLimits(opts.limits).maxMarkupBytes);
  h.scanner = scanner;
  const batch = (all: boolean): MappedBatch => {
    const observations = all ? h.ready.splice(0) : h.ready.splice(0, batchSize);
    h.newBatch();
    return { observations, devices: h.devices.takeNew(), skipped: h.skips.takeListed() };
  };
  try {
    try {
      for await (const chunk of input as AsyncIterable<Buffer | string>) {
        // Bytes as latin1 (see XmlScanner); a stream with an encoding set gives strings, turned back into bytes.
        const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
        const text = bytes.toString('latin1');
        // Fed in slices so that Observations are handed out (and freed) soon after they are made: fewer of them
        // outlive a young-generation collection than when a whole megabyte chunk is mapped before any is taken.
        for (let i = 0; i < text.length; i += SLICE) {
          opts.signal?.throwIfAborted();
          scanner.write(i === 0 && text.length <= SLICE ? text : text.slice(i, i + SLICE));
          while (h.ready.length >= batchSize) yield batch(false);
        }
      }
      scanner.end();
    } catch (e) {
      if (e instanceof XmlMarkupTooLong) throw new MappingError(e.message, fileName, `line ${e.line}`);
      if (e instanceof XmlSyntaxError) throw new MappingError(`not well-formed XML: ${e.message}`, fileName, `line ${e.line}`);
      throw e;
    }
    h.watchSteps.seal();
    h.sleepStages.seal();
    for await (const d of h.spill.read()) {
      opts.signal?.throwIfAborted();
      const covered = d.group === 'other-steps' ? h.watchSteps : h.sleepStages;
      if (covered.overlaps(d.start, d.end)) {
        h.skips.drop(
          d.rec.line,
          d.group === 'other-steps'
            ? 'steps also counted by an Apple Watch at the same time (the watch record is kept)'
            : 'generic Asleep overlapping sleep stage records (the stages are kept)',
        );
      } else h.emitDeferred(d.rec);
      if (h.ready.length >= batchSize) yield batch(false);
    }
    const last = batch(true);
    last.skipped.push(...h.skips.summary());
    if (last.observations.length || last.devices.length || last.skipped.length) yield last;
  } finally {
    h.spill.dispose();
  }
}
