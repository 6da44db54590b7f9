// The repository with Binary content where binary-content.ts keeps it: every Binary written has its large content
// moved to the blob store, every Binary read (read, vread, history, search, $everything, the lock read of an update
// or patch) has it back in `data`. The layers above never see a blob reference. https://hl7.org/fhir/R4/binary.html
import type { Binary, Resource } from 'fhir/r4.js';
import type { EverythingQuery, FhirRepository, HistoryQuery, Page, ResourceVersion, StatsGroup, StatsQuery, WriteMethod } from '../store/repository.js';
import type { SearchRequest } from '../search/search-request.js';
import type { BinaryContent } from './binary-content.js';

const isBinary = (r: Resource | undefined): r is Binary => r?.resourceType === 'Binary';

export class BinaryRepository implements FhirRepository {
  constructor(
    private readonly inner: FhirRepository,
    private readonly content: BinaryContent,
  ) {}

  private async version(v: ResourceVersion | undefined, budget?: { left: number }): Promise<ResourceVersion | undefined> {
    if (!v || !isBinary(v.resource)) return v;
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

  async read(type: string, id: string): Promise<ResourceVersion | undefined> {
    return this.version(await this.inner.read(type, id));
  }

  async vread(type: string, id: string, versionId: string): Promise<ResourceVersion | undefined> {
    return this.version(await this.inner.vread(type, id, versionId));
  }

  async history(query: HistoryQuery): Promise<Page<ResourceVersion>> {
    const page = await this.inner.history(query);
    if (!page.items.some((v) => isBinary(v.resource))) return page;
    const budget = { left: this.content.config.pageMaxBytes };
    const items: ResourceVersion[] = [];
    for (const v of page.items) items.push((await this.version(v, budget))!);
    return { ...page, items };
  }

  async search(request: SearchRequest): Promise<Page<Resource>> {
    return this.page(await this.inner.search(request));
  }

  storedIdentifiers(type: string, param: string, target: { type: string; id: string }, system: string, values: readonly string[]): Promise<Set<string>> {
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

  transaction<T>(fn: (tx: FhirRepository) => Promise<T>): Promise<T> {
    return this.inner.transaction((tx) => fn(tx instanceof BinaryRepository ? tx : new BinaryRepository(tx, this.content)));
  }

  async readForUpdate(type: string, id: string): Promise<ResourceVersion | undefined> {
    return this.version(await this.inner.readForUpdate(type, id));
  }

  lock(key: string): Promise<void> {
    return this.inner.lock(key);
  }

  withLock<T>(key: string, fn: () => Promise<T>): Promise<T> {
    return this.inner.withLock(key, fn);
  }

  /** The stored copy answers with the content the client sent (or, after a raw upload, with it read back). */
  async write(resource: Resource, previous: ResourceVersion | undefined, method: WriteMethod): Promise<ResourceVersion> {
    if (!isBinary(resource)) return this.inner.write(resource, previous, method);
    const version = await this.inner.write(await this.content.toStored(resource), previous, method);
    if (resource.data === undefined) return (await this.version(version))!;
    const { _data: _ref, ...stored } = version.resource as Binary & { _data?: unknown };
    return { ...version, resource: { ...stored, data: resource.data } as Binary };
  }

  remove(previous: ResourceVersion): Promise<ResourceVersion> {
    return this.inner.remove(previous);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
