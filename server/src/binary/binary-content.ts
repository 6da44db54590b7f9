// Where a Binary's bytes live. Up to BINARY_INLINE_MAX_BYTES they stay base64 in `Binary.data`, in the resource row;
// beyond it they go to the blob store (Azure Blob or the local folder) under `binary/<uuid>`, one object per version,
// never overwritten or deleted (history and vread keep their content), and the stored row carries no `data` but an
// extension on `_data` naming the object. Only the server sets that extension: one in a client's write is refused.
// Content is put into the blob store before the database transaction that stores its row (binary-repository.ts), and
// removed again when that write fails or is refused. https://hl7.org/fhir/R4/binary.html
import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import type { Binary, Extension } from 'fhir/r4.js';
import { badRequest, payloadTooLarge, tooCostly } from '../core/outcomes.js';
import type { BlobStore } from '../blob/blob-store.js';
import type { BinaryConfig } from './binary-config.js';
import { checkContentType } from './content-types.js';
import { BASE64_LAYOUT_URL, applyLayout, formatLayout, layoutOf } from './base64-layout.js';

/** The extension on `Binary._data` that names the blob object holding the content (valueString). */
export const BLOB_CONTENT_URL = 'https://fhir.fibrotrack.org/StructureDefinition/binary-blob-content';

/** Binaries carrying a blob reference the server itself put there (a raw upload), with the bytes it uploaded. */
const placedByServer = new WeakMap<Binary, Buffer>();

/** Content a write moves to the blob store: the object's name, and what goes into it. */
export interface PendingBlob {
  name: string;
  data: string;
  contentType: string;
}

type StoredBinary = Binary & { _data?: { extension?: Extension[] } };

/** The blob object named by a stored Binary, or undefined when its content (if any) is inline. */
export function blobNameOf(binary: Binary): string | undefined {
  return (binary as StoredBinary)._data?.extension?.find((e) => e.url === BLOB_CONTENT_URL)?.valueString;
}

/** The decoded size of base64 `data`, without decoding it. */
export function base64Bytes(data: string): number {
  const clean = data.replace(/\s+/g, '');
  const padding = clean.endsWith('==') ? 2 : clean.endsWith('=') ? 1 : 0;
  return Math.floor((clean.length * 3) / 4) - padding;
}

export class BinaryContent {
  constructor(
    private readonly blob: BlobStore,
    readonly config: BinaryConfig,
    private readonly log: (message: string) => void = (message) => console.warn(message),
  ) {}

  /**
   * The copy of a Binary to store: content type checked, size bounded, content past the inline limit to be moved to
   * the blob store under `blob.name` (the caller puts it, outside the database transaction). `staged` names content
   * already put there. A blob reference in a client's Binary is refused (it could name another record's content).
   */
  toStored(binary: Binary, staged?: (data: string) => string | undefined): { stored: Binary; blob?: PendingBlob } {
    checkContentType(binary.contentType, 'Binary.contentType');
    if (blobNameOf(binary) !== undefined) {
      if (placedByServer.has(binary)) return { stored: binary };
      throw badRequest(`The extension ${BLOB_CONTENT_URL} on Binary.data is set by this server only`, 'Binary.data');
    }
    if (binary.data === undefined) return { stored: binary };
    const bytes = base64Bytes(binary.data);
    if (bytes > this.config.maxBytes) throw payloadTooLarge(this.config.maxBytes);
    if (bytes <= this.config.inlineMaxBytes) return { stored: binary };
    const name = staged?.(binary.data) ?? `binary/${randomUUID()}`;
    const { data: _inline, ...rest } = binary;
    const layout = layoutOf(binary.data);
    const extension: Extension[] = [
      { url: BLOB_CONTENT_URL, valueString: name },
      ...(layout ? [{ url: BASE64_LAYOUT_URL, valueString: formatLayout(layout) }] : []),
    ];
    return {
      stored: { ...rest, _data: { extension } },
      blob: { name, data: binary.data, contentType: binary.contentType },
    };
  }

  /** Puts content into the blob store (base64 written with line breaks, as R4's example, decodes the same). */
  async put(blob: PendingBlob): Promise<void> {
    await this.blob.put(blob.name, Readable.from([Buffer.from(blob.data, 'base64')]), blob.contentType);
  }

  /**
   * Removes content whose write did not commit (refused, failed, rolled back), best effort: a failure is logged and
   * leaves an object no row names (docs/operations.md#binary-content).
   */
  async discard(names: Iterable<string>, why: string): Promise<void> {
    for (const name of names) {
      await this.blob
        .remove(name)
        .catch((err) => this.log(`Binary content ${name} was not removed after ${why}: ${err instanceof Error ? err.message : err}`));
    }
  }

  /**
   * A raw upload (POST/PUT Binary with a non-FHIR Content-Type) streamed into the blob store, at most maxBytes;
   * returns the Binary to store, its content referenced. The bytes are kept for the answer (uploadedData), so that
   * it is not downloaded again.
   */
  async upload(
    id: string,
    body: AsyncIterable<Buffer | string>,
    contentType: string,
    securityContext: string | undefined,
  ): Promise<Binary> {
    checkContentType(contentType, 'Content-Type');
    const limit = this.config.maxBytes;
    let seen = 0;
    const chunks: Buffer[] = [];
    const bounded = (async function* () {
      for await (const chunk of body) {
        const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
        seen += buf.length;
        if (seen > limit) throw payloadTooLarge(limit);
        chunks.push(buf);
        yield buf;
      }
    })();
    const name = `binary/${randomUUID()}`;
    try {
      await this.blob.put(name, bounded, contentType);
    } catch (err) {
      await this.blob.remove(name).catch(() => undefined);
      // The blob client may wrap what stopped its source: the limit is what the client needs to hear.
      throw seen > limit ? payloadTooLarge(limit) : err;
    }
    const binary = {
      resourceType: 'Binary',
      id,
      contentType,
      ...(securityContext ? { securityContext: { reference: securityContext } } : {}),
      _data: { extension: [{ url: BLOB_CONTENT_URL, valueString: name }] },
    } as Binary;
    placedByServer.set(binary, Buffer.concat(chunks));
    return binary;
  }

  /** The base64 content of a raw upload (upload()), or undefined for any other Binary. */
  uploadedData(binary: Binary): string | undefined {
    return placedByServer.get(binary)?.toString('base64');
  }

  /** The Binary as clients see it: `data` back from the blob store. `budget` counts bytes a page may still inline. */
  async hydrate(binary: Binary, budget?: { left: number }): Promise<Binary> {
    const name = blobNameOf(binary);
    if (name === undefined) return binary;
    const found = await this.blob.get(name);
    const { _data: _ref, ...rest } = binary as StoredBinary;
    if (!found) return rest;
    if (budget) {
      budget.left -= found.bytes;
      if (budget.left < 0) {
        found.stream.destroy();
        throw tooCostly(
          `This page holds more than ${this.config.pageMaxBytes} bytes of Binary content (BINARY_PAGE_MAX_BYTES): ask for fewer with _count, or read each Binary on its own`,
          '_count',
        );
      }
    }
    const chunks: Buffer[] = [];
    for await (const chunk of found.stream) chunks.push(chunk as Buffer);
    const layout = (binary as StoredBinary)._data?.extension?.find((e) => e.url === BASE64_LAYOUT_URL)?.valueString;
    return { ...rest, data: applyLayout(Buffer.concat(chunks).toString('base64'), layout) };
  }

  /** The content's bytes as a stream, for a raw read. */
  async open(binary: Binary): Promise<{ stream: Readable; bytes: number }> {
    const name = blobNameOf(binary);
    if (name === undefined) {
      const bytes = Buffer.from(binary.data ?? '', 'base64');
      return { stream: Readable.from([bytes]), bytes: bytes.length };
    }
    return (await this.blob.get(name)) ?? { stream: Readable.from([]), bytes: 0 };
  }
}
