// The storage contract the FHIR interactions are written against; store/mysql implements it.
import type { Resource } from 'fhir/r4.js';
import type { SearchRequest } from '../search/search-request.js';

export type WriteMethod = 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** One version of a resource as stored; `resource` is absent for a deletion. */
export interface ResourceVersion {
  type: string;
  id: string;
  versionId: string;
  lastUpdated: string;
  deleted: boolean;
  method: WriteMethod;
  resource?: Resource;
}

export interface HistoryQuery {
  type?: string;
  id?: string;
  since?: Date;
  at?: Date;
  count: number;
  /** Opaque cursor from a previous page. */
  cursor?: string;
}

export interface Page<T> {
  items: T[];
  /** Present when there are more items after this page. */
  nextCursor?: string;
  total?: number;
  /** Resources added by _include / _revinclude. */
  included?: Resource[];
}

/** One compartment member type and the parameters that put it in the Patient's compartment. */
export interface CompartmentMember {
  type: string;
  params: readonly string[];
  /** The date parameter giving its clinical date, for `start`/`end` (none: always in range). */
  careDate?: string;
}

/**
 * Patient/$everything for one patient: the Patient, its compartment's members, then what those refer to.
 * https://hl7.org/fhir/R4/patient-operation-everything.html
 */
export interface EverythingQuery {
  patient: string;
  members: readonly CompartmentMember[];
  /** `_type`: only resources of these types; absent, any. */
  types?: readonly string[];
  /** `_since`: only resources last updated at or after. */
  since?: Date;
  /** `start`/`end`: members whose clinical date (careDate) overlaps this range, or that have none. */
  care?: { start?: Date; end?: Date };
  count: number;
  cursor?: string;
}

/**
 * Observation/$stats: aggregates of the quantity values of the Observations `request` matches, per code and unit
 * (and per UTC day with `bucket`). https://hl7.org/fhir/R4/observation-operation-stats.html
 */
export interface StatsQuery {
  /** The Observations: subject and date range as search criteria; authorization ANDs its own into it. */
  request: SearchRequest;
  /** The subject as asked: `Patient/123`. */
  subject: string;
  /** Values of these codes in Observation.code or .component.code, and every component of an Observation with one. */
  codes: readonly { system?: string; code: string }[];
  /** Whole percents to compute (50: the median). */
  percentiles: readonly number[];
  /** Also count the matching Observations with the code whatever their value (total-count). */
  totalCount: boolean;
  bucket?: 'day';
  /** Also give the first and last effective instant of each group (when no period was asked). */
  extent: boolean;
  /**
   * The UTC days (YYYY-MM-DD, `to` exclusive) wholly inside the period asked: every Observation of the subject whose
   * effective instant falls in them matches the date criteria, so a store may read their sums from a daily rollup.
   */
  wholeDays?: { from: string; to: string };
}

/** One group of values: a code, its unit, its day when bucketed. */
export interface StatsGroup {
  system: string | null;
  code: string;
  unitSystem: string | null;
  unit: string | null;
  /** YYYY-MM-DD (UTC) with `bucket: 'day'`. */
  day?: string;
  count: number;
  totalCount?: number;
  sum?: number;
  average?: number;
  minimum?: number;
  maximum?: number;
  /** Sample standard deviation and variance; absent below two values. */
  stdDev?: number;
  variance?: number;
  /** By whole percent. */
  percentiles: Map<number, number>;
  first?: Date;
  last?: Date;
}

/** How a read answers. */
export interface ReadOptions {
  /**
   * false: a Binary's content is left where it is stored (a blob reference) rather than put into `data`: for a raw
   * read that streams it, a conditional read answered 304 (binary/binary-repository.ts).
   */
  content?: boolean;
}

export interface FhirRepository {
  read(type: string, id: string, options?: ReadOptions): Promise<ResourceVersion | undefined>;
  vread(type: string, id: string, versionId: string, options?: ReadOptions): Promise<ResourceVersion | undefined>;
  history(query: HistoryQuery): Promise<Page<ResourceVersion>>;
  search(request: SearchRequest): Promise<Page<Resource>>;
  /**
   * Of `values` (identifier values in `system`), those already on a resource of `type` that refers to `target`
   * through the reference parameter `param`: conditional creates in bulk (`type?identifier=system|value&param=target`
   * for many values at once), as imports need them. https://hl7.org/fhir/R4/http.html#ccreate
   */
  storedIdentifiers(
    type: string,
    param: string,
    target: { type: string; id: string },
    system: string,
    values: readonly string[],
  ): Promise<Set<string>>;
  /** Observation/$lastn: the latest `max` matches per code, each resource once. */
  lastn(request: SearchRequest, max: number): Promise<Resource[]>;
  /** Observation/$stats, computed by the database over the index rows. */
  stats(query: StatsQuery): Promise<StatsGroup[]>;
  /** Patient/$everything: one page, keyset-paged (no gaps, no repeats while data changes); 404 for an unknown Patient. */
  everything(query: EverythingQuery): Promise<Page<Resource>>;
  /** Runs `fn` in one database transaction; a call inside a transaction joins it. Retries on deadlock. */
  transaction<T>(fn: (tx: FhirRepository) => Promise<T>): Promise<T>;
  /** Reads the current version and locks it until the transaction ends (must run inside `transaction`). */
  readForUpdate(type: string, id: string): Promise<ResourceVersion | undefined>;
  /** Serialises concurrent holders of the same key until the transaction ends (conditional create). */
  lock(key: string): Promise<void>;
  /**
   * Holds the lock of `key` (as `lock` takes it) on a connection of its own while `fn` runs, so that `fn` can run
   * several transactions side by side under it; they must not take the same lock themselves.
   */
  withLock<T>(key: string, fn: () => Promise<T>): Promise<T>;
  /**
   * Stores `resource` (id set) as the version after `previous` (from readForUpdate; undefined to create).
   * Sets meta.versionId and meta.lastUpdated on the stored copy and returns it.
   */
  write(resource: Resource, previous: ResourceVersion | undefined, method: WriteMethod): Promise<ResourceVersion>;
  /** Records a deletion of `previous`; returns the deleted version. */
  remove(previous: ResourceVersion): Promise<ResourceVersion>;
  close(): Promise<void>;
}

/** A layer that must stay outermost (Binary content) and can take another beneath it. */
interface Outermost {
  beneath(wrap: (inner: FhirRepository) => FhirRepository): FhirRepository;
}

/**
 * `repo` with `wrap` applied to what it reads from: beneath a layer that must stay outermost (so a per-request access
 * policy filters stored rows before Binary content is downloaded), or around `repo` when it has none.
 */
export function wrapStorage(repo: FhirRepository, wrap: (inner: FhirRepository) => FhirRepository): FhirRepository {
  const outer = repo as FhirRepository & Partial<Outermost>;
  return typeof outer.beneath === 'function' ? outer.beneath(wrap) : wrap(repo);
}
