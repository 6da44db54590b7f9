// The inflated bytes of export.xml are counted as they come: a stream passing a limit is stopped at that point,
// whatever size the zip declared.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InputTooLargeError, MappingError } from '../types.js';
import { DEFAULT_APPLE_LIMITS } from './apple-limits.js';
import { inflatedWithinLimits } from './map-apple-zip.js';

const MiB = 1024 * 1024;
const entry = { fileName: 'apple_health_export/export.xml', compressedSize: 20_000, uncompressedSize: 30_000 };

async function drain(chunks: AsyncIterable<Buffer>): Promise<number> {
  let n = 0;
  for await (const c of chunks) n += c.length;
  return n;
}

test('stopped at the first chunk past the ratio or the size limit, naming the entry', async () => {
  let pulled = 0;
  // eslint-disable-next-line @typescript-eslint/require-await -- an async generator is the AsyncIterable under test, pulled one chunk at a time
  async function* endless() {
    for (;;) {
      pulled++;
      yield Buffer.alloc(64 * 1024, ' ');
    }
  }
  await assert.rejects(drain(inflatedWithinLimits(endless(), entry, 'export.zip', DEFAULT_APPLE_LIMITS)), (e: unknown) => {
    assert.ok(e instanceof InputTooLargeError);
    assert.equal(e.fileName, 'export.zip/apple_health_export/export.xml');
    assert.match(e.message, /more than 100 times its compressed size/);
    return true;
  });
  assert.equal(pulled, 31, 'about 2 MB pulled: 100 times 20 KB, and never less than 1 MiB');

  const limits = { ...DEFAULT_APPLE_LIMITS, maxUnzippedBytes: MiB / 2 };
  await assert.rejects(drain(inflatedWithinLimits(endless(), entry, 'export.zip', limits)), /may inflate to at most 524288 bytes/);
});

test('within the limits every byte passes; a broken stream is an unreadable zip naming the entry', async () => {
  // eslint-disable-next-line @typescript-eslint/require-await -- an async generator is the AsyncIterable under test, pulled one chunk at a time
  async function* some() {
    yield Buffer.alloc(1000);
    yield Buffer.alloc(500);
  }
  assert.equal(await drain(inflatedWithinLimits(some(), entry, 'export.zip', DEFAULT_APPLE_LIMITS)), 1500);
  // eslint-disable-next-line @typescript-eslint/require-await -- an async generator is the AsyncIterable under test, pulled one chunk at a time
  async function* broken(): AsyncGenerator<Buffer> {
    yield Buffer.alloc(10);
    throw new Error('invalid stored block lengths');
  }
  await assert.rejects(drain(inflatedWithinLimits(broken(), entry, 'export.zip', DEFAULT_APPLE_LIMITS)), (e: unknown) => {
    assert.ok(e instanceof MappingError && !(e instanceof InputTooLargeError));
    assert.match(e.message, /^export\.zip\/apple_health_export\/export\.xml: not a readable zip file: invalid stored block lengths/);
    return true;
  });
});
