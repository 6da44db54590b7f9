// FhirRepository in memory, for fast tests of REST semantics without MariaDB: versions, history, deletes,
// transactions that are all or nothing, optimistic locking, and search through the real indexer's rows (token,
// reference, date, string, uri, number, quantity, _id, _lastUpdated; chains, _has, includes, _sort, keyset paging).
// What it cannot answer (composite and full-text searches, Patient/$everything) it refuses with an OperationOutcome.
// Transactions run one at a time, each on a copy of the state that replaces it when the transaction ends.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Resource } from 'fhir/r4.js';
import { copyExact, stringifyExact } from '../../core/exact-numbers.js';
import { conflict, resourceTooLarge } from '../../core/outcomes.js';
import { settle } from '../../core/settle.js';
import type { ResourceIndexer } from '../../indexing/resource-indexer.js';
import type { SearchRequest } from '../../search/search-request.js';
import type {
  EverythingQuery,
  FhirRepository,
  HistoryQuery,
  Page,
  ResourceVersion,
  StatsGroup,
  StatsQuery,
  WriteMethod,
} from '../repository.js';
import { historyPage } from './history.js';
import { includedFor, resourcesOf } from './includes.js';
import { lastnOf } from './lastn.js';
import { requestMatcher } from './match-criterion.js';
import { refuse } from './match-value.js';
import {
  copyState,
  currentVersion,
  emptyState,
  keyOf,
  toResourceVersion,
  type MemoryState,
  type StoredResource,
  type StoredVersion,
} from './memory-state.js';
import { pageOf } from './search-page.js';

export interface MemoryRepositoryOptions {
  indexer: ResourceIndexer;
  /** This server's FHIR base: absolute references to it match local ones. */
  baseUrl: string;
  /** The largest resource stored, in bytes of JSON (MySQL's bound is its max_allowed_packet); default 16 MiB. */
  maxResourceBytes?: number;
  /** The clock of `ap` date searches; default Date.now. */
  now?: () => number;
}

/** What the root repository and its transactions share. */
interface Shared {
  state: MemoryState;
  /** The tail of the queue of transactions: each waits for the one before. */
  queue: Promise<unknown>;
  /** withLock holders, by key. */
  locks: Map<string, Promise<unknown>>;
}

/** The store whose transaction the current async call chain runs in (to refuse a transaction that would wait for itself). */
const running = new AsyncLocalStorage<Shared>();

export class MemoryRepository implements FhirRepository {
  private readonly shared: Shared;

  constructor(
    private readonly options: MemoryRepositoryOptions,
    shared?: Shared,
    private readonly tx?: { state: MemoryState },
  ) {
    this.shared = shared ?? { state: emptyState(), queue: Promise.resolve(), locks: new Map() };
  }

  /** Outside a transaction the committed state; inside, the transaction's own copy (its writes included). */
  private get state(): MemoryState {
    return this.tx?.state ?? this.shared.state;
  }

  read(type: string, id: string): Promise<ResourceVersion | undefined> {
    return settle(() => {
      const r = this.state.resources.get(keyOf(type, id));
      return r && currentVersion(r);
    });
  }

  vread(type: string, id: string, versionId: string): Promise<ResourceVersion | undefined> {
    return settle(() => {
      if (!/^\d{1,9}$/.test(versionId)) return undefined;
      const r = this.state.resources.get(keyOf(type, id));
      const v = r?.versions.find((x) => x.versionId === Number(versionId));
      return r && v && toResourceVersion(r, v);
    });
  }

  history(query: HistoryQuery): Promise<Page<ResourceVersion>> {
    return settle(() => historyPage(this.state, query));
  }

  search(request: SearchRequest): Promise<Page<Resource>> {
    return settle(() => {
      const state = this.state;
      const matches = [...state.resources.values()].filter(requestMatcher(request, this.matchContext()));
      const page: Page<Resource> = { items: [] };
      let shown: StoredResource[] = [];
      if (request.count > 0) {
        const p = pageOf(matches, request.sort, request.count, request.cursor);
        shown = p.items;
        page.items = resourcesOf(shown);
        if (p.nextCursor) page.nextCursor = p.nextCursor;
        if (request.total !== 'none' && request.cursor === undefined && p.nextCursor === undefined) page.total = page.items.length;
      }
      if (shown.length > 0 && (request.include.length > 0 || request.revinclude.length > 0))
        page.included = resourcesOf(includedFor(request, shown, state));
      // An estimate is exact here.
      if ((request.total === 'accurate' || request.total === 'estimate') && page.total === undefined) page.total = matches.length;
      return page;
    });
  }

  lastn(request: SearchRequest, max: number): Promise<Resource[]> {
    return settle(() => {
      const matches = [...this.state.resources.values()].filter(requestMatcher(request, this.matchContext()));
      return resourcesOf(lastnOf(matches, max));
    });
  }

  stats(_query: StatsQuery): Promise<StatsGroup[]> {
    return Promise.reject(refuse('Observation/$stats'));
  }

  everything(_query: EverythingQuery): Promise<Page<Resource>> {
    return Promise.reject(refuse('Patient/$everything'));
  }

  storedIdentifiers(
    type: string,
    param: string,
    target: { type: string; id: string },
    system: string,
    values: readonly string[],
  ): Promise<Set<string>> {
    return settle(() => {
      const wanted = new Set(values);
      const found = new Set<string>();
      for (const r of this.state.resources.values()) {
        if (r.type !== type || !r.rows) continue;
        if (!r.rows.reference.some((ref) => ref.param === param && ref.targetType === target.type && ref.targetId === target.id)) continue;
        for (const t of r.rows.token)
          if (t.param === 'identifier' && t.system === system && t.code !== null && wanted.has(t.code)) found.add(t.code);
      }
      return found;
    });
  }

  async transaction<T>(fn: (tx: FhirRepository) => Promise<T>): Promise<T> {
    if (this.tx) return fn(this);
    if (running.getStore() === this.shared) {
      throw new Error(
        'A transaction was begun on the root repository inside a transaction of the same store: it would wait for itself (use the repository the transaction passed)',
      );
    }
    const run = this.shared.queue.then(async () => {
      const tx = { state: copyState(this.shared.state) };
      const result = await running.run(this.shared, () => fn(new MemoryRepository(this.options, this.shared, tx)));
      this.shared.state = tx.state;
      return result;
    });
    this.shared.queue = run.catch(() => undefined);
    return run;
  }

  async readForUpdate(type: string, id: string): Promise<ResourceVersion | undefined> {
    this.requireTransaction();
    return this.read(type, id);
  }

  /** Transactions run one at a time, so that the lock is held already. */
  async lock(_key: string): Promise<void> {}

  async withLock<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const before = this.shared.locks.get(key) ?? Promise.resolve();
    const held = before.then(fn);
    const tail = held.catch(() => undefined);
    this.shared.locks.set(key, tail);
    try {
      return await held;
    } finally {
      if (this.shared.locks.get(key) === tail) this.shared.locks.delete(key);
    }
  }

  write(resource: Resource, previous: ResourceVersion | undefined, method: WriteMethod): Promise<ResourceVersion> {
    return settle(() => {
      const state = this.requireTransaction();
      const type = resource.resourceType;
      const id = resource.id!;
      const current = this.checkCurrent(type, id, previous);
      const versionId = previous ? Number(previous.versionId) + 1 : 1;
      const lastUpdated = new Date().toISOString();
      const stored = { ...resource, meta: { ...resource.meta, versionId: String(versionId), lastUpdated } } as Resource;
      copyExact(resource, stored);
      const content = stringifyExact(stored);
      const bytes = Buffer.byteLength(content);
      const limit = this.options.maxResourceBytes ?? 16 * 1024 * 1024;
      if (bytes > limit) throw resourceTooLarge(type, bytes, limit);
      this.append(
        state,
        current,
        type,
        id,
        { versionId, lastUpdated, method, deleted: false, content },
        this.options.indexer.index(stored),
      );
      return { type, id, versionId: String(versionId), lastUpdated, deleted: false, method, resource: stored };
    });
  }

  remove(previous: ResourceVersion): Promise<ResourceVersion> {
    return settle(() => {
      const state = this.requireTransaction();
      const current = this.checkCurrent(previous.type, previous.id, previous);
      const versionId = Number(previous.versionId) + 1;
      const lastUpdated = new Date().toISOString();
      this.append(state, current, previous.type, previous.id, { versionId, lastUpdated, method: 'DELETE', deleted: true }, undefined);
      return { type: previous.type, id: previous.id, versionId: String(versionId), lastUpdated, deleted: true, method: 'DELETE' };
    });
  }

  async close(): Promise<void> {}

  private matchContext() {
    return { state: this.state, baseUrl: this.options.baseUrl, now: this.options.now?.() ?? Date.now() };
  }

  /** Optimistic locking: `previous` must be the current version (none for a create), as the row lock guarantees in MySQL. */
  private checkCurrent(type: string, id: string, previous: ResourceVersion | undefined): StoredResource | undefined {
    const current = this.state.resources.get(keyOf(type, id));
    const currentId = current ? String(current.versions[current.versions.length - 1].versionId) : undefined;
    if (currentId !== previous?.versionId) {
      throw conflict(
        `${type}/${id} changed since it was read (version ${currentId ?? 'none'}, expected ${previous?.versionId ?? 'none'}); retry`,
      );
    }
    return current;
  }

  private append(
    state: MemoryState,
    current: StoredResource | undefined,
    type: string,
    id: string,
    v: Omit<StoredVersion, 'seq'>,
    rows: StoredResource['rows'],
  ): void {
    const key = keyOf(type, id);
    const seq = state.nextSeq++;
    const versions = [...(current?.versions ?? []), { ...v, seq }];
    state.resources.set(key, { pk: current?.pk ?? state.nextPk++, type, id, versions, rows });
    state.log.push({ seq, key, index: versions.length - 1 });
  }

  private requireTransaction(): MemoryState {
    if (!this.tx) throw new Error('writes must run inside repository.transaction()');
    return this.tx.state;
  }
}
