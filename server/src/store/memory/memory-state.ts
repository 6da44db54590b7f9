// The data of the in-memory repository: every resource with its versions and current index rows, and the history
// log in write order. A transaction works on a copy (copyState) and commits by replacing the state it started from.
import type { Resource } from 'fhir/r4.js';
import { parseExact } from '../../core/exact-numbers.js';
import type { IndexRows } from '../../indexing/index-rows.js';
import type { ResourceVersion, WriteMethod } from '../repository.js';

/** One stored version; the resource is kept as its JSON text, so that no caller can change what is stored. */
export interface StoredVersion {
  /** Position in the history log (resource_history.seq). */
  seq: number;
  versionId: number;
  lastUpdated: string;
  method: WriteMethod;
  deleted: boolean;
  content?: string;
}

export interface StoredResource {
  /** Creation order, as MySQL's primary key: unsorted searches page in this order. */
  pk: number;
  type: string;
  id: string;
  /** Oldest first; the last one is current. */
  versions: readonly StoredVersion[];
  /** Every parameter's rows (derived ones too) of the current version; undefined when it is deleted. */
  rows?: IndexRows;
}

export interface MemoryState {
  resources: Map<string, StoredResource>;
  /** History log: `type/id` and version index of each write, in seq order. */
  log: { seq: number; key: string; index: number }[];
  nextPk: number;
  nextSeq: number;
}

export const keyOf = (type: string, id: string) => `${type}/${id}`;

export const emptyState = (): MemoryState => ({ resources: new Map(), log: [], nextPk: 1, nextSeq: 1 });

/** A copy a transaction may change: the maps and arrays are new, the stored resources shared (they are replaced, never changed). */
export const copyState = (s: MemoryState): MemoryState => ({
  resources: new Map(s.resources),
  log: [...s.log],
  nextPk: s.nextPk,
  nextSeq: s.nextSeq,
});

export function toResourceVersion(r: StoredResource, v: StoredVersion, method: WriteMethod = v.method): ResourceVersion {
  return {
    type: r.type,
    id: r.id,
    versionId: String(v.versionId),
    lastUpdated: v.lastUpdated,
    deleted: v.deleted,
    method,
    ...(v.content === undefined ? {} : { resource: parseExact<Resource>(v.content) }),
  };
}

/** The current version as read returns it: method PUT, or DELETE for a deletion (as MysqlRepository). */
export function currentVersion(r: StoredResource): ResourceVersion {
  const v = r.versions[r.versions.length - 1];
  return toResourceVersion(r, v, v.deleted ? 'DELETE' : 'PUT');
}

/** The current resource, a fresh copy for each caller; undefined when deleted. */
export function currentResource(r: StoredResource): Resource | undefined {
  const v = r.versions[r.versions.length - 1];
  return v.content === undefined ? undefined : parseExact<Resource>(v.content);
}
