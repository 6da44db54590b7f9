// BlobStore on a local folder (no BLOB_CONNECTION_STRING): one file per object under the folder.
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { checkName, type BlobStore } from './blob-store.js';

export class LocalBlobStore implements BlobStore {
  readonly description: string;

  constructor(private readonly root: string) {
    this.description = `local folder ${root}`;
  }

  async put(name: string, source: AsyncIterable<string | Buffer>): Promise<number> {
    const path = join(this.root, checkName(name));
    await mkdir(dirname(path), { recursive: true });
    const out = createWriteStream(path);
    // Two chunks read ahead at most: the source is pulled as the file takes it.
    await pipeline(Readable.from(source, { highWaterMark: 2 }), out);
    return out.bytesWritten;
  }

  async get(name: string): Promise<{ stream: Readable; bytes: number } | undefined> {
    const path = join(this.root, checkName(name));
    const info = await stat(path).catch(() => undefined);
    if (!info?.isFile()) return undefined;
    return { stream: createReadStream(path), bytes: info.size };
  }

  async remove(name: string): Promise<void> {
    await rm(join(this.root, checkName(name)), { force: true });
  }

  async removePrefix(prefix: string): Promise<void> {
    // Prefixes are job folders (`uuid/`): the folder goes whole.
    await rm(join(this.root, checkName(prefix.replace(/\/+$/, ''))), { recursive: true, force: true });
  }
}
