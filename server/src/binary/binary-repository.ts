// The repository with Binary content where binary-content.ts keeps it: every Binary written has its large content
// moved to the blob store, every Binary read (read, vread, history, search, $everything) has it back in `data`. The
// layers above never see a blob reference, but where they ask for none ({ content: false }: a raw read streams it, a
// conditional read answers 304 without it) and in the lock read of an update, patch or delete (version checks only).
// This layer stays outermost: a per-request layer (the access policy) goes beneath it (beneath()), so only what that
// layer keeps is downloaded, and counts never touch the blob store.
//
// Content goes to the blob store outside the database transaction, so no pooled connection waits on it: a write's
// first run of the transaction names the objects it would need and rolls back; they are uploaded, and the
// transaction runs again with them. A refused or failed write leaves nothing uploaded; objects uploaded for a
// transaction that then fails are removed (best effort, logged). https://hl7.org/fhir/R4/binary.html
import type { Binary, Resource } from 'fhir/r4.js';
import type {
  EverythingQuery,
  FhirRepository,
  HistoryQuery,
  Page,
  ReadOptions,
  ResourceVersion,
  StatsGroup,
  StatsQuery,
  WriteMethod,
} from '../store/repository.js';
import type { SearchRequest } from '../search/search-request.js';
import { blobNameOf, type BinaryContent, type PendingBlob } from './binary-content.js';

const isBinary = (r: Resource | undefined): r is Binary => r?.resourceType === 'Binary';

/** Thrown out of a transaction's first run to roll it back when it needs content uploaded first. */
class UploadFirst extends Error {}

/** The blob objects of one outermost transaction, across its runs. */
class Uploads {
  /** Content already in the blob store, by its base64 text: the object holding it. */
  readonly staged = new Map<string, string>();
  /** Content this run would store, not uploaded yet. */
  readonly pending = new Map<string, PendingBlob>();
  /** Objects the rows of this run name. */
  readonly used = new Set<string>();
}

/** Runs a transaction at most this many times for its content (a run that names new content runs again). */
const MAX_RUNS = 3;

export class BinaryRepository implements FhirRepository {
  constructor(
    private readonly inner: FhirRepository,
    private readonly content: BinaryContent,
    /** Set inside a transaction: the objects its writes name. */
    private readonly uploads?: Uploads,
  ) {}

  /** This layer over `wrap(what it reads from)`: a per-request layer placed beneath the content (see the header). */
  beneath(wrap: (inner: FhirRepository) => FhirRepository): FhirRepository {
    return new BinaryRepository(wrap(this.inner), this.content, this.uploads);
  }

  private async version(
    v: ResourceVersion | undefined,
    options?: ReadOptions,
    budget?: { left: number },
  ): Promise<ResourceVersion | undefined> {
    if (!v || !isBinary(v.resource) || options?.content === false) return v;
    return { ...v, resource: await this.content.hydrate(v.resource, budget) };
  }

  /** A page's Binaries, each with its content, within BINARY_PAGE_MAX_BYTES together. */
  private async resources(items: Resource[]): Promise<Resource[]> {
    if (!items.some(isBinary)) return items;
    const budget = { left: this.content.config.pageMaxBytes };
    const out: Resource[] = [];
    for (const r of items) out.push(isBinary(r) ? await this.content.hydrate(r, budget) : r);
    return out;
  }

  private async page(page: Page<Resource>): Promise<Page<Resource>> {
    const items = await this.resources(page.items);
    const included = page.included && (await this.resources(page.included));
    return items === page.items && included === page.included ? page : { ...page, items, ...(included ? { included } : {}) };
  }

  async read(type: string, id: string, options?: ReadOptions): Promise<ResourceVersion | undefined> {
    return this.version(await this.inner.read(type, id), options);
  }

  async vread(type: string, id: string, versionId: string, options?: ReadOptions): Promise<ResourceVersion | undefined> {
    return this.version(await this.inner.vread(type, id, versionId), options);
  }

  async history(query: HistoryQuery): Promise<Page<ResourceVersion>> {
    const page = await this.inner.history(query);
    if (!page.items.some((v) => isBinary(v.resource))) return page;
    const budget = { left: this.content.config.pageMaxBytes };
    const items: ResourceVersion[] = [];
    for (const v of page.items) items.push((await this.version(v, undefined, budget))!);
    return { ...page, items };
  }

  async search(request: SearchRequest): Promise<Page<Resource>> {
    return this.page(await this.inner.search(request));
  }

  storedIdentifiers(
    type: string,
    param: string,
    target: { type: string; id: string },
    system: string,
    values: readonly string[],
  ): Promise<Set<string>> {
    return this.inner.storedIdentifiers(type, param, target, system, values);
  }

  async lastn(request: SearchRequest, max: number): Promise<Resource[]> {
    return this.resources(await this.inner.lastn(request, max));
  }

  stats(query: StatsQuery): Promise<StatsGroup[]> {
    return this.inner.stats(query);
  }

  async everything(query: EverythingQuery): Promise<Page<Resource>> {
    return this.page(await this.inner.everything(query));
  }

  async transaction<T>(fn: (tx: FhirRepository) => Promise<T>): Promise<T> {
    if (this.uploads) return this.inner.transaction((tx) => fn(new BinaryRepository(tx, this.content, this.uploads)));
    const uploads = new Uploads();
    for (let run = 1; ; run++) {
      uploads.pending.clear();
      uploads.used.clear();
      let result: T;
      try {
        result = await this.inner.transaction(async (tx) => {
          const out = await fn(new BinaryRepository(tx, this.content, uploads));
          if (uploads.pending.size > 0) {
            if (run < MAX_RUNS) throw new UploadFirst();
            throw new Error(`a transaction named new Binary content in each of its ${MAX_RUNS} runs`);
          }
          return out;
        });
      } catch (err) {
        if (err instanceof UploadFirst) {
          await this.uploadPending(uploads);
          continue;
        }
        await this.content.discard(uploads.staged.values(), 'a write that did not commit');
        throw err;
      }
      await this.content.discard(
        [...uploads.staged.values()].filter((name) => !uploads.used.has(name)),
        'a transaction that no longer needed it',
      );
      return result;
    }
  }

  private async uploadPending(uploads: Uploads): Promise<void> {
    try {
      for (const [data, blob] of uploads.pending) {
        await this.content.put(blob);
        uploads.staged.set(data, blob.name);
      }
    } catch (err) {
      await this.content.discard(uploads.staged.values(), 'a failed upload');
      throw err;
    }
  }

  /** The lock read serves version checks and the write rule: a Binary's content stays in the blob store. */
  readForUpdate(type: string, id: string): Promise<ResourceVersion | undefined> {
    return this.inner.readForUpdate(type, id);
  }

  lock(key: string): Promise<void> {
    return this.inner.lock(key);
  }

  withLock<T>(key: string, fn: () => Promise<T>): Promise<T> {
    return this.inner.withLock(key, fn);
  }

  /** The stored copy answers with the content the client sent (a raw upload's bytes as uploaded). */
  async write(resource: Resource, previous: ResourceVersion | undefined, method: WriteMethod): Promise<ResourceVersion> {
    if (!isBinary(resource)) return this.inner.write(resource, previous, method);
    const uploads = this.uploads;
    const { stored, blob } = this.content.toStored(resource, uploads && ((data) => uploads.staged.get(data)));
    if (blob && uploads && !uploads.staged.has(blob.data)) uploads.pending.set(blob.data, blob);
    const name = blobNameOf(stored);
    if (name) uploads?.used.add(name);
    // Outside a transaction (no caller does that today) the content goes up first, and away again if the row fails.
    if (blob && !uploads) await this.content.put(blob);
    let version: ResourceVersion;
    try {
      version = await this.inner.write(stored, previous, method);
    } catch (err) {
      if (blob && !uploads) await this.content.discard([blob.name], 'a write that failed');
      throw err;
    }
    const data = resource.data ?? this.content.uploadedData(resource);
    if (data === undefined) return version;
    const { _data: _ref, ...rest } = version.resource as Binary & { _data?: unknown };
    return { ...version, resource: { ...rest, data } as Binary };
  }

  remove(previous: ResourceVersion): Promise<ResourceVersion> {
    return this.inner.remove(previous);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
