// The repository as one access token sees it: every read, search, history page and write goes through
// the policy, whichever interaction or operation (batch and transaction entries, $lastn, future ones) asks.
// Storage stays in store/; this wrapper only decides, filters and refuses. A Binary is judged by its securityContext
// (rule 8b), whose resources it reads for a whole page at once (security-contexts.ts). It sits beneath the Binary
// content layer (binary-repository.ts), so it judges stored rows and only what it keeps has its content downloaded.
import type { Resource } from 'fhir/r4.js';
import { OutcomeError, notFound } from '../../core/outcomes.js';
import type { Definitions } from '../../definitions/r4-definitions.js';
import { parseSearch } from '../../search/parse-search.js';
import { MAX_COUNT, type SearchRequest } from '../../search/search-request.js';
import type {
  EverythingQuery,
  FhirRepository,
  HistoryQuery,
  Page,
  ResourceVersion,
  StatsGroup,
  StatsQuery,
  WriteMethod,
} from '../../store/repository.js';
import { covers, type AccessPolicy, type ContextTargets } from './authorize-interaction.js';
import { confineChains } from './confine-chains.js';
import { forbidden } from './outcomes.js';
import type { ResourceFacts } from './resource-facts.js';
import { contextTargets } from './security-contexts.js';
import type { Permission } from '../smart-scopes.js';

export class AuthorizedRepository implements FhirRepository {
  constructor(
    private readonly inner: FhirRepository,
    private readonly policy: AccessPolicy,
    private readonly facts: ResourceFacts,
    private readonly defs: Definitions,
    /** Told of every resource read or written (the request's audit trail). */
    private readonly touched: (resource: Resource) => void = () => undefined,
    /** Told of search and $lastn results (the audit names their patients). */
    private readonly found: (resources: Resource[]) => void = () => undefined,
    /** Told of a resource answered as unknown because the token may not read it, with why (for the audit). */
    private readonly hidden: (reference: string, resource: Resource | undefined, why: string) => void = () => undefined,
  ) {}

  async read(type: string, id: string): Promise<ResourceVersion | undefined> {
    this.policy.requireLetter(type, ['r']);
    return this.visible(await this.inner.read(type, id));
  }

  async vread(type: string, id: string, versionId: string): Promise<ResourceVersion | undefined> {
    this.policy.requireLetter(type, ['r']);
    return this.visible(await this.inner.vread(type, id, versionId));
  }

  /**
   * A version the token may not read is not there for it: the caller answers 404 exactly as for an unknown id,
   * so another patient's ids cannot be probed (the audit trail still records the refusal). A deletion (410
   * would tell the id existed) is judged by the version it deleted.
   */
  private async visible(version: ResourceVersion | undefined): Promise<ResourceVersion | undefined> {
    if (!version) return undefined;
    if (version.deleted) return (await this.deletionVisible(version, 'r')) ? version : this.hide(version, undefined);
    if (!version.resource) return version;
    const why = await this.whyNot(['r'], version.resource);
    if (why !== undefined) return this.hide(version, version.resource, why);
    this.touched(version.resource);
    return version;
  }

  /** The securityContext resources of the Binaries among `resources`, read in one batch. */
  private targets(resources: readonly (Resource | undefined)[]): Promise<ContextTargets> {
    return contextTargets(resources, this.inner, this.defs);
  }

  /** The policy's verdict on one resource (a Binary with its securityContext resolved). */
  private async whyNot(letters: readonly Permission[], resource: Resource, what = ''): Promise<string | undefined> {
    return this.policy.whyNot(letters, resource, what, { targets: await this.targets([resource]) });
  }

  /** Of `resources`, those the token may `letter` (any of `letters`): one lookup of securityContexts for them all. */
  private async allowed(letters: readonly Permission[], resources: Resource[], constraints = true): Promise<Resource[]> {
    if (resources.length === 0) return resources;
    const targets = await this.targets(resources);
    return resources.filter((r) => letters.some((l) => this.policy.allows(l, r, { constraints, targets })));
  }

  /** policy.check, with a Binary judged by its securityContext. */
  private async check(letters: Permission | readonly Permission[], resource: Resource, what = ''): Promise<void> {
    const why = await this.whyNot(typeof letters === 'string' ? [letters] : letters, resource, what);
    if (why !== undefined) throw forbidden(why);
  }

  private hide(version: ResourceVersion, resource: Resource | undefined, known?: string): undefined {
    const ref = `${version.type}/${version.id}`;
    const why = known ?? (resource ? this.policy.whyNot('r', resource, '', { targets: new Map() }) : undefined);
    this.hidden(ref, resource, `Answered as unknown: ${why ?? `the token may not read what the deletion of ${ref} deleted`}`);
    return undefined;
  }

  async history(query: HistoryQuery): Promise<Page<ResourceVersion>> {
    const letter = query.id === undefined ? 's' : 'r';
    if (query.type !== undefined) this.policy.requireLetter(query.type, [letter]);
    const page = await this.inner.history(query);
    // A deletion carries no content: it is judged by the version it deleted (deletions are rare, one lookup each).
    const judged = await Promise.all(
      page.items.map(
        async (v) => v.resource ?? (v.deleted && !this.policy.unrestricted(v.type, letter) ? await this.deletedVersion(v) : undefined),
      ),
    );
    const targets = await this.targets(judged);
    const items = page.items.filter((v, i) => {
      if (v.deleted && !v.resource && this.policy.unrestricted(v.type, letter)) return true;
      const r = judged[i];
      return r !== undefined && this.policy.allows(letter, r, { targets });
    });
    // Like a read: one resource's history with no version the token may see is that of an unknown id.
    if (query.type !== undefined && query.id !== undefined && items.length === 0 && page.items.length > 0) {
      this.hide(page.items[0], page.items.find((v) => v.resource)?.resource);
      throw notFound(query.type, query.id);
    }
    if (items.length === page.items.length) return page;
    return { ...page, items, total: undefined };
  }

  private async deletedVersion(v: ResourceVersion): Promise<Resource | undefined> {
    return (await this.inner.vread(v.type, v.id, String(Number(v.versionId) - 1)))?.resource;
  }

  /** Whether the token may see that a resource was deleted: it may read what the deletion deleted. */
  private async deletionVisible(v: ResourceVersion, letter: 'r' | 's'): Promise<boolean> {
    if (this.policy.unrestricted(v.type, letter)) return true;
    const deleted = await this.deletedVersion(v);
    return deleted !== undefined && (await this.whyNot([letter], deleted)) === undefined;
  }

  async search(request: SearchRequest): Promise<Page<Resource>> {
    const { restricted, exact } = await this.restrict(request);
    if (!exact && request.count === 0 && request.total === 'accurate') return { items: [], total: await this.countChecked(restricted) };
    const page = await this.inner.search(restricted);
    // Where SQL could not say everything, each match is checked (by the patients it references).
    const items = exact ? page.items : await this.kept(page.items);
    // Included resources are kept only when the token could read or search them (a Binary by its securityContext).
    const included = page.included && (await this.allowed(['r', 's'], page.included));
    // A total SQL counted over more than the token may see would tell how many others have; a single
    // complete page can still be counted.
    const complete = request.cursor === undefined && page.nextCursor === undefined && request.count > 0;
    const total = items.length === page.items.length && exact ? page.total : complete ? items.length : undefined;
    this.found(items);
    if (included) this.found(included);
    return { ...page, items, total, included };
  }

  /** Search results SQL could not confine exactly, each checked (a Binary by its securityContext). */
  private kept(items: Resource[]): Promise<Resource[]> {
    return this.allowed(['s'], items, false);
  }

  /** A count the token may see when SQL could not say everything: every match is walked and checked. */
  private async countChecked(request: SearchRequest): Promise<number> {
    let total = 0;
    let cursor: string | undefined;
    do {
      const page = await this.inner.search({ ...request, count: MAX_COUNT, total: 'none', cursor, include: [], revinclude: [] });
      total += (await this.kept(page.items)).length;
      cursor = page.nextCursor;
    } while (cursor !== undefined);
    return total;
  }

  /** Tells which records exist, so only for a token that may search all of `type` referring to the target (its own patient's). */
  async storedIdentifiers(
    type: string,
    param: string,
    target: { type: string; id: string },
    system: string,
    values: readonly string[],
  ): Promise<Set<string>> {
    const filter = this.policy.searchFilter(type);
    const own = !filter.compartment || (target.type === 'Patient' && target.id === filter.compartment.id);
    if (!own || filter.constraints.length > 0 || !filter.exact) {
      throw forbidden(
        `The token may not search every ${type} of ${target.type}/${target.id}, so it cannot tell which records are stored already`,
      );
    }
    return this.inner.storedIdentifiers(type, param, target, system, values);
  }

  async lastn(request: SearchRequest, max: number): Promise<Resource[]> {
    const { restricted, exact } = await this.restrict(request);
    const matches = await this.inner.lastn(restricted, max);
    const items = exact ? matches : await this.kept(matches);
    this.found(items);
    return items;
  }

  /**
   * Observation/$stats, as a search of the Observations it aggregates: the token's compartment and query constraints
   * are ANDed into the SQL. Aggregates cannot be checked value by value, so a patient/ token asks only about its own
   * patient, and a search SQL cannot confine exactly is refused rather than counted over others' records.
   */
  async stats(query: StatsQuery): Promise<StatsGroup[]> {
    const filter = this.policy.searchFilter(query.request.type);
    if (filter.compartment && query.subject !== `Patient/${filter.compartment.id}`) {
      throw forbidden(`patient/ scopes confine this token to Patient/${filter.compartment.id}; $stats of ${query.subject} is beyond it`);
    }
    const { restricted, exact } = await this.restrict(query.request);
    if (!exact) throw forbidden(`The token's scopes on ${query.request.type} are checked record by record, which statistics cannot be`);
    return this.inner.stats({ ...query, request: restricted });
  }

  /**
   * Patient/$everything, as reads of each resource it gives: a Patient the token may not read is unknown (404, as
   * a read answers); member types no scope reaches are left out before SQL; every resource is kept only when the
   * token could read or search it (patient/ compartment, query constraints).
   */
  async everything(query: EverythingQuery): Promise<Page<Resource>> {
    const patient = await this.inner.read('Patient', query.patient);
    if (patient?.resource && !patient.deleted && (await this.allowed(['r', 's'], [patient.resource])).length === 0) {
      this.hide(patient, patient.resource);
      throw notFound('Patient', query.patient);
    }
    const reaches = (type: string) => this.policy.scopes.some((s) => covers(s, type) && (s.permissions.has('r') || s.permissions.has('s')));
    const narrowed = { ...query, members: query.members.filter((m) => reaches(m.type)), types: query.types?.filter(reaches) };
    const page = await this.inner.everything(narrowed);
    const items = await this.allowed(['r', 's'], page.items);
    this.found(items);
    if (items.length === page.items.length) return page;
    return { ...page, items, total: query.cursor === undefined && page.nextCursor === undefined ? items.length : undefined };
  }

  /**
   * ANDs the scopes' compartment and query constraints into the search and confines chains and _has to
   * what the token may search. The client's own compartment must be the same patient's.
   */
  private async restrict(request: SearchRequest): Promise<{ restricted: SearchRequest; exact: boolean }> {
    const filter = this.policy.searchFilter(request.type);
    const criteria = await confineChains(request.type, request.criteria, {
      policy: this.policy,
      facts: this.facts,
      defs: this.defs,
      search: (sub) => this.search(sub),
    });
    const out: SearchRequest = { ...request, criteria };
    if (filter.compartment) {
      const asked = request.compartment;
      if (asked && !(asked.type === 'Patient' && asked.id === filter.compartment.id)) {
        throw forbidden(
          `patient/ scopes confine this token to Patient/${filter.compartment.id}; the ${asked.type}/${asked.id} compartment is beyond it`,
        );
      }
      out.compartment = asked ?? filter.compartment;
    }
    if (filter.constraints.length > 0) out.criteria.push(...this.constraintCriteria(request.type, filter.constraints));
    return { restricted: out, exact: filter.exact };
  }

  /** A scope constraint naming no search parameter of the type grants nothing on it: 403, not the client's 400. */
  private constraintCriteria(type: string, constraints: [string, string][]) {
    try {
      return parseSearch(type, new URLSearchParams(constraints), this.defs).criteria;
    } catch (err) {
      if (!(err instanceof OutcomeError)) throw err;
      const text = constraints.map(([k, v]) => `${k}=${v}`).join('&');
      throw forbidden(
        `The token's scope constraint '${text}' cannot be applied to ${type} (${err.message}), so it allows no search of ${type}`,
      );
    }
  }

  transaction<T>(fn: (tx: FhirRepository) => Promise<T>): Promise<T> {
    return this.inner.transaction((tx) =>
      fn(
        tx instanceof AuthorizedRepository
          ? tx
          : new AuthorizedRepository(tx, this.policy, this.facts, this.defs, this.touched, this.found, this.hidden),
      ),
    );
  }

  /**
   * The lock read serves an update, patch or delete: a resource the token may neither update nor delete is
   * refused here, before If-Match could tell its version. The write itself is checked again, before and after.
   */
  async readForUpdate(type: string, id: string): Promise<ResourceVersion | undefined> {
    const current = await this.inner.readForUpdate(type, id);
    if (current?.resource && !current.deleted) await this.check(['u', 'd'], current.resource, 'as stored');
    return current;
  }

  withLock<T>(key: string, fn: () => Promise<T>): Promise<T> {
    return this.inner.withLock(key, fn);
  }

  lock(key: string): Promise<void> {
    return this.inner.lock(key);
  }

  async write(resource: Resource, previous: ResourceVersion | undefined, method: WriteMethod): Promise<ResourceVersion> {
    if (previous && !previous.deleted && previous.resource) {
      await this.check('u', previous.resource, 'as stored');
      await this.check('u', resource, 'as it would be written');
    } else {
      await this.check('c', resource, method === 'POST' ? '' : 'created by this update');
    }
    const version = await this.inner.write(resource, previous, method);
    this.touched(version.resource!);
    return version;
  }

  async remove(previous: ResourceVersion): Promise<ResourceVersion> {
    if (previous.resource) await this.check('d', previous.resource);
    else this.policy.requireLetter(previous.type, ['d']);
    const version = await this.inner.remove(previous);
    if (previous.resource) this.touched(previous.resource);
    return version;
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
