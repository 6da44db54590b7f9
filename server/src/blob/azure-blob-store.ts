// BlobStore on one Azure Blob Storage container (BLOB_CONNECTION_STRING; Azurite in tests), through @azure/storage-blob.
// Uploads stream in blocks (uploadStream), so an object of any size holds at most a few blocks in memory.
import { BlobServiceClient, type ContainerClient } from '@azure/storage-blob';
import { Readable } from 'node:stream';
import { checkName, type BlobStore } from './blob-store.js';

/** Block size and parallel blocks of an upload: at most 2 x 4 MiB in flight per object. */
const BLOCK_BYTES = 4 * 1024 * 1024;
const PARALLEL_BLOCKS = 2;

export class AzureBlobStore implements BlobStore {
  readonly description: string;
  private ready: Promise<unknown> | undefined;

  private constructor(private readonly container: ContainerClient) {
    this.description = `Azure Blob container ${container.containerName}`;
  }

  static open(connectionString: string, containerName: string): AzureBlobStore {
    return new AzureBlobStore(BlobServiceClient.fromConnectionString(connectionString).getContainerClient(containerName));
  }

  /** The container is created on first use (a fresh Azurite, a new storage account). */
  private ensure(): Promise<unknown> {
    return (this.ready ??= this.container.createIfNotExists().catch((err) => {
      this.ready = undefined;
      throw err;
    }));
  }

  async put(name: string, source: AsyncIterable<string | Buffer>, contentType: string): Promise<number> {
    await this.ensure();
    let bytes = 0;
    const counted = Readable.from(
      (async function* () {
        for await (const chunk of source) {
          const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
          bytes += buf.length;
          yield buf;
        }
      })(),
    );
    await this.container.getBlockBlobClient(checkName(name)).uploadStream(counted, BLOCK_BYTES, PARALLEL_BLOCKS, {
      blobHTTPHeaders: { blobContentType: contentType },
    });
    return bytes;
  }

  async get(name: string): Promise<{ stream: Readable; bytes: number } | undefined> {
    await this.ensure();
    try {
      const res = await this.container.getBlobClient(checkName(name)).download();
      if (!res.readableStreamBody) return undefined;
      return { stream: res.readableStreamBody as Readable, bytes: res.contentLength ?? 0 };
    } catch (err) {
      if ((err as { statusCode?: number }).statusCode === 404) return undefined;
      throw err;
    }
  }

  async remove(name: string): Promise<void> {
    await this.ensure();
    await this.container.deleteBlob(checkName(name), { deleteSnapshots: 'include' }).catch((err) => {
      if ((err as { statusCode?: number }).statusCode !== 404) throw err;
    });
  }

  async removePrefix(prefix: string): Promise<void> {
    await this.ensure();
    for await (const blob of this.container.listBlobsFlat({ prefix: checkName(prefix.replace(/\/+$/, '')) + '/' }))
      await this.remove(blob.name);
  }
}
