// A small store of named byte objects: bulk export files and Binary content (binary/). Two implementations: a local
// folder (local-blob-store.ts) and one Azure Blob Storage container (azure-blob-store.ts); open-blob-store.ts picks.
import type { Readable } from 'node:stream';

export interface BlobStore {
  /** Where the objects live, for logs and docs ('local folder /x', 'Azure container y'). */
  readonly description: string;
  /** Writes `name` from `source` (streamed, never buffered whole); resolves with the bytes written. */
  put(name: string, source: AsyncIterable<string | Buffer>, contentType: string): Promise<number>;
  /** The object's bytes as a stream, or undefined when there is no such object. */
  get(name: string): Promise<{ stream: Readable; bytes: number } | undefined>;
  /** Removes one object (nothing when there is none). */
  remove(name: string): Promise<void>;
  /** Removes every object whose name starts with `prefix` (a job's folder). */
  removePrefix(prefix: string): Promise<void>;
}

/** Object names are ours (`job-uuid/Type-1.ndjson`): anything else is refused before it reaches a path or URL. */
export function checkName(name: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*(\/[A-Za-z0-9][A-Za-z0-9._-]*)*$/.test(name) || name.includes('..'))
    throw new Error(`Invalid blob name '${name}'`);
  return name;
}
