// The ndjson lines of one type of one export: the snapshot walked in batches of stored versions, each batch kept
// to what the export asks for (its patients, its _typeFilter queries) and what the grant may read. Only one batch is
// in memory at a time. https://hl7.org/fhir/uv/bulkdata/export.html
import type { Binary, Resource } from 'fhir/r4.js';
import { parseExact, stringifyExact } from '../core/exact-numbers.js';
import type { Definitions } from '../definitions/r4-definitions.js';
import type { ResourceIndexer } from '../indexing/resource-indexer.js';
import type { FhirRepository } from '../store/repository.js';
import type { ExportStore, SnapshotRow } from '../store/mysql/export-store.js';
import type { ExportAccess, ExportSpec } from './export-spec.js';
import { BLOB_CONTENT_URL, type BinaryContent } from '../binary/binary-content.js';
import type { CodeResolver } from '../search/resolve-codes.js';
import { typeFilterRequest } from './type-filter.js';

/** Resources per batch: one query, and at most one _typeFilter search per filter (search pages hold 1000). */
export const EXPORT_BATCH = 1000;
const NEWLINE = 0x0a;

export interface LineDeps {
  store: ExportStore;
  /** Binary content in the blob store, put back into each exported Binary's `data` (one at a time). */
  binary?: BinaryContent;
  /** The stored resources (Binary content not downloaded): _typeFilter searches. */
  repo: FhirRepository;
  defs: Definitions;
  indexer: ResourceIndexer;
  /** Terminology for _typeFilter's `:in`, `:not-in`, `:above`, `:below`. */
  codes: CodeResolver;
}

export interface WalkOptions {
  spec: ExportSpec;
  asOf: Date;
  access?: ExportAccess;
  /** Called after each batch with the resources it kept; throws to stop the walk (cancelled, lease lost). */
  onBatch(kept: number): Promise<void>;
}

/** The lines of one type: each a resource's JSON, without its line break, as stored bytes or as text. */
export async function* exportLines(type: string, deps: LineDeps, opts: WalkOptions): AsyncGenerator<Buffer | string> {
  const { spec } = opts;
  const since = spec.since ? new Date(spec.since) : undefined;
  const patients = spec.level === 'system' ? undefined : new Set(spec.patients ?? []);
  const filters = spec.typeFilters[type] ?? [];
  const checkEach = patients !== undefined || filters.length > 0 || (opts.access !== undefined && !opts.access.unrestricted(type));
  let afterPk = 0;
  for (;;) {
    const { rows, lastPk } = await deps.store.snapshotBatch(type, opts.asOf, since, afterPk, EXPORT_BATCH);
    if (lastPk < 0) return;
    afterPk = lastPk;
    const kept = checkEach ? await keep(type, rows, deps, opts, patients, filters) : rows.map((r) => r.content);
    await opts.onBatch(kept.length);
    for (const line of kept) {
      if (deps.binary && type === 'Binary' && line.includes(BLOB_CONTENT_URL))
        yield JSON.stringify(await deps.binary.hydrate(JSON.parse(line.toString('utf8')) as Binary));
      else yield line.includes(NEWLINE) ? stringifyExact(parseExact(line.toString('utf8'))) : line;
    }
  }
}

async function keep(
  type: string,
  rows: SnapshotRow[],
  deps: LineDeps,
  opts: WalkOptions,
  patients: Set<string> | undefined,
  filters: string[],
): Promise<Buffer[]> {
  let candidates = rows.map((r) => ({ content: r.content, resource: JSON.parse(r.content.toString('utf8')) as Resource }));
  if (patients !== undefined) candidates = candidates.filter((c) => inCompartment(c.resource, patients, deps.indexer));
  if (opts.access) {
    const readable = new Set(await opts.access.keep(candidates.map((c) => c.resource)));
    candidates = candidates.filter((c) => readable.has(c.resource));
  }
  if (filters.length > 0 && candidates.length > 0) {
    const matching = await typeFilterMatches(
      type,
      candidates.map((c) => c.resource.id!),
      filters,
      deps,
    );
    candidates = candidates.filter((c) => matching.has(c.resource.id!));
  }
  return candidates.map((c) => c.content);
}

/** In a Patient compartment: of one of `patients`, or of any patient when the set is empty (Patient/$export). */
function inCompartment(resource: Resource, patients: Set<string>, indexer: ResourceIndexer): boolean {
  if (resource.resourceType === 'Patient') return patients.size === 0 || patients.has(resource.id!);
  const owners = indexer.patientsOf(resource);
  return patients.size === 0 ? owners.length > 0 : owners.some((p) => patients.has(p));
}

/**
 * The ids, of `ids`, that some _typeFilter query matches, by our search engine (each query ANDed with `_id`).
 * The index describes current versions: a resource changed since transactionTime is filtered by its current one.
 */
async function typeFilterMatches(type: string, ids: string[], filters: string[], deps: LineDeps): Promise<Set<string>> {
  const out = new Set<string>();
  for (const filter of filters) {
    const parsed = await typeFilterRequest(type, filter, deps.defs, deps.codes, new URLSearchParams({ _id: ids.join(',') }));
    const request = { ...parsed, count: ids.length, include: [], revinclude: [], total: 'none' as const };
    const page = await deps.repo.search(request);
    for (const r of page.items) out.add(r.id!);
  }
  return out;
}
