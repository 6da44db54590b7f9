// One page of matches, as store/mysql/search-page.ts and sort-sql.ts choose it: unsorted in creation order, or by the
// _sort keys (each a scalar per resource: the lowest value ascending, the highest descending, missing last) with
// creation order breaking ties; the next page starts strictly after the last item of this one (a keyset cursor).
// https://hl7.org/fhir/R4/search.html#sort
import { invalidParameter } from '../../core/outcomes.js';
import type { IndexRows } from '../../indexing/index-rows.js';
import type { SortKey } from '../../search/search-request.js';
import { refuse } from './match-value.js';
import type { StoredResource } from './memory-state.js';

/** A sort key's value for one resource; null when it has none (sorted last either way). */
type KeyValue = string | number | null;

export interface MatchPage {
  items: StoredResource[];
  nextCursor?: string;
}

export function pageOf(matches: StoredResource[], sort: readonly SortKey[], count: number, cursor: string | undefined): MatchPage {
  const keyed = matches.map((r) => ({ r, tuple: [...sort.map((k) => sortValue(r, k)), r.pk] }));
  keyed.sort((a, b) => compareTuples(a.tuple, b.tuple, sort));
  let rest = keyed;
  if (cursor !== undefined) {
    const after = decodeCursor(cursor, sort);
    if (!after) throw invalidParameter(`Invalid paging cursor '${cursor}'`, '_cursor');
    rest = keyed.filter((k) => compareTuples(k.tuple, after, sort) > 0);
  }
  const page: MatchPage = { items: rest.slice(0, count).map((k) => k.r) };
  if (rest.length > count && count > 0) page.nextCursor = encodeCursor(rest[count - 1].tuple);
  return page;
}

function sortValue(r: StoredResource, key: SortKey): KeyValue {
  const code = key.def.code;
  if (code === '_id') return r.id;
  if (code === '_lastUpdated') return Date.parse(r.versions[r.versions.length - 1].lastUpdated);
  const rows = r.rows!;
  const of = <T extends { param: string }>(table: readonly T[], value: (row: T) => string | number | null): KeyValue => {
    const values = table
      .filter((row) => row.param === code)
      .map(value)
      .filter((v) => v !== null);
    if (values.length === 0) return null;
    return values.reduce((a, b) => ((key.desc ? b > a : b < a) ? b : a));
  };
  switch (key.def.type as keyof IndexRows) {
    case 'date':
      return of(rows.date, (row) => (key.desc ? row.end : row.start));
    case 'string':
      return of(rows.string, (row) => row.normalized);
    case 'token':
      return of(rows.token, (row) => row.code);
    case 'reference':
      return of(rows.reference, (row) => row.targetId);
    case 'uri':
      return of(rows.uri, (row) => row.uri);
    case 'number':
      return of(rows.number, (row) => row.value);
    case 'quantity':
      return of(rows.quantity, (row) => row.value);
    default:
      throw refuse(`_sort on ${key.def.type} parameters ('${code}')`);
  }
}

/** (keys..., pk): each key in its direction with missing values last, then pk ascending. */
function compareTuples(a: readonly KeyValue[], b: readonly KeyValue[], sort: readonly SortKey[]): number {
  for (let i = 0; i < sort.length; i++) {
    const x = a[i];
    const y = b[i];
    if (x === y) continue;
    if (x === null) return 1;
    if (y === null) return -1;
    const order = x < y ? -1 : 1;
    return sort[i].desc ? -order : order;
  }
  return (a[sort.length] as number) - (b[sort.length] as number);
}

/** Opaque to clients: the last item's sort values and pk. */
function encodeCursor(tuple: readonly KeyValue[]): string {
  return Buffer.from(JSON.stringify(tuple)).toString('base64url');
}

function decodeCursor(cursor: string, sort: readonly SortKey[]): KeyValue[] | undefined {
  let values: unknown;
  try {
    values = JSON.parse(Buffer.from(cursor, 'base64url').toString());
  } catch {
    return undefined;
  }
  if (!Array.isArray(values) || values.length !== sort.length + 1 || !Number.isSafeInteger(values[sort.length])) return undefined;
  const fits = (v: unknown) => v === null || typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v));
  return values.every(fits) ? (values as KeyValue[]) : undefined;
}
