// A reproducible .tar.gz writer (POSIX ustar, regular files only): fixed mtime, owner 0, mode 0644, entries in the
// order given, compressed by our own gzip encoder, so the same files always give the same bytes.
// https://pubs.opengroup.org/onlinepubs/9699919799/utilities/pax.html#tag_20_92_13_06
import { gzip } from './deflate.js';

export interface TarEntry {
  name: string;
  content: Buffer;
}

/** 1985-10-26T08:15:00Z, the fixed time npm gives packed files (0 makes some tools warn). */
export const FIXED_MTIME = 499162500;
const BLOCK = 512;

export function tarGz(entries: TarEntry[]): Buffer {
  const parts: Buffer[] = [];
  for (const e of entries) {
    parts.push(header(e), e.content, Buffer.alloc(padding(e.content.length)));
  }
  const body = Buffer.concat([...parts, Buffer.alloc(2 * BLOCK)]);
  // Records of 20 blocks, as tar(1) writes them.
  const tar = Buffer.concat([body, Buffer.alloc(padding(body.length, 20 * BLOCK))]);
  return gzip(tar);
}

function header(e: TarEntry): Buffer {
  const nameBytes = Buffer.from(e.name, 'utf8');
  if (nameBytes.length > 100) throw new Error(`tar entry name longer than 100 bytes: ${e.name}`);
  const h = Buffer.alloc(BLOCK);
  nameBytes.copy(h, 0);
  octal(h, 100, 8, 0o644);
  octal(h, 108, 8, 0);
  octal(h, 116, 8, 0);
  octal(h, 124, 12, e.content.length);
  octal(h, 136, 12, FIXED_MTIME);
  h.fill(0x20, 148, 156); // checksum field counts as spaces while summing
  h.write('0', 156, 'ascii');
  h.write('ustar\u000000', 257, 'ascii');
  let sum = 0;
  for (const b of h) sum += b;
  h.write(`${sum.toString(8).padStart(6, '0')}\u0000 `, 148, 'ascii');
  return h;
}

function octal(h: Buffer, offset: number, width: number, value: number): void {
  h.write(`${value.toString(8).padStart(width - 1, '0')}\u0000`, offset, 'ascii');
}

function padding(length: number, unit = BLOCK): number {
  return (unit - (length % unit)) % unit;
}
