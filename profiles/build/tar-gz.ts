// A reproducible .tar.gz writer: POSIX ustar from tar-stream (fixed mtime, owner 0, mode 0644, entries in the order
// given), gzipped by fflate (pure JavaScript, pinned in package.json: its bytes depend only on its input, never on
// the zlib that Node happens to bundle, whose output changes between builds), with no name and no time in the
// gzip header. So the same files always give the same bytes, and a committed package.tgz rebuilds identically.
// https://pubs.opengroup.org/onlinepubs/9699919799/utilities/pax.html#tag_20_92_13_06 https://www.rfc-editor.org/rfc/rfc1952
import { gzipSync } from 'fflate';
import { pack } from 'tar-stream';

export interface TarEntry {
  name: string;
  content: Buffer;
}

/** 1985-10-26T08:15:00Z, the fixed time npm gives packed files (0 makes some tools warn). */
export const FIXED_MTIME = 499162500;

export async function tarGz(entries: TarEntry[]): Promise<Buffer> {
  const tar = pack();
  for (const e of entries) {
    // Longer names would go to ustar's prefix field, which simple package readers ignore.
    if (Buffer.byteLength(e.name) > 100) throw new Error(`tar entry name longer than 100 bytes: ${e.name}`);
    tar.entry(
      { name: e.name, size: e.content.length, mode: 0o644, uid: 0, gid: 0, mtime: new Date(FIXED_MTIME * 1000), type: 'file' },
      e.content,
    );
  }
  tar.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of tar) chunks.push(chunk as Buffer);
  return Buffer.from(gzipSync(Buffer.concat(chunks), { level: 9, mtime: 0 }));
}
