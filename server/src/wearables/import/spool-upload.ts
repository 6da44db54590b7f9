// Streams an upload to a temporary file under a size limit, keeping only its first bytes in memory
// (enough to recognise the format). Gigabyte Apple Health exports never sit in memory.
import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { payloadTooLarge } from '../../core/outcomes.js';

const HEAD_BYTES = 4096;

export interface SpooledFile {
  path: string;
  bytes: number;
  head: Buffer;
}

export async function spoolUpload(
  input: Readable,
  dir: string,
  limitBytes: number,
  onBytes: (bytes: number) => void = () => undefined,
): Promise<SpooledFile> {
  const path = join(dir, `fibrotrack-upload-${randomUUID()}`);
  let bytes = 0;
  const headChunks: Buffer[] = [];
  let headBytes = 0;
  const meter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      bytes += chunk.length;
      if (bytes > limitBytes) {
        done(payloadTooLarge(limitBytes));
        return;
      }
      if (headBytes < HEAD_BYTES) {
        headChunks.push(chunk.subarray(0, HEAD_BYTES - headBytes));
        headBytes += Math.min(chunk.length, HEAD_BYTES - headBytes);
      }
      onBytes(bytes);
      done(null, chunk);
    },
  });
  try {
    await pipeline(input, meter, createWriteStream(path, { flags: 'wx', mode: 0o600 }));
  } catch (err) {
    await rm(path, { force: true });
    // Unread request data would otherwise keep the socket busy after we answer 413.
    input.resume();
    throw err;
  }
  return { path, bytes, head: Buffer.concat(headChunks) };
}
