// _sort as SQL: each key a scalar per resource (lowest value ascending, highest descending, missing last),
// paged by keyset on (keys..., pk) so pages never skip or repeat. https://hl7.org/fhir/R4/search.html#sort
import type { DerivedParams } from '../../../definitions/derived-params.js';
import { paramMatch } from './param-match.js';
import type { SortKey } from '../../../search/search-request.js';
import { identifier, joinSql, or, sql, type Sql } from '../../sql.js';

export type CursorValue = string | number;

const LAST = {
  date: { asc: new Date(Date.UTC(9999, 11, 31)), desc: new Date(Date.UTC(1000, 0, 1)) },
  text: { asc: '\u{10FFFF}', desc: '' },
  number: { asc: 1e308, desc: -1e308 },
};

/** What a resource without a date sorts as under this key (after every stored date in its direction). */
export const missingSortValue = (key: SortKey): Date => LAST.date[key.desc ? 'desc' : 'asc'];

/** The scalar a key sorts on, for the resource row `r`. */
export function sortExpression(type: string, key: SortKey, derived: DerivedParams): Sql {
  const code = key.def.code;
  const agg = identifier(key.desc ? 'max' : 'min');
  const dir = key.desc ? 'desc' : 'asc';
  if (code === '_id') return sql`r.res_id`;
  if (code === '_lastUpdated') return sql`r.last_updated`;
  const sub = (table: string, column: string, last: unknown) =>
    sql`COALESCE((SELECT ${agg}(i.${identifier(column)}) FROM ${identifier(table)} i WHERE i.resource_pk = r.pk AND i.res_type = ${type} AND ${paramMatch(derived, type, code)}), ${last})`;
  switch (key.def.type) {
    case 'date':
      return sub('idx_date', key.desc ? 'end_at' : 'start_at', LAST.date[dir]);
    case 'string':
      return sub('idx_string', 'normalized', LAST.text[dir]);
    case 'token':
      return sub('idx_token', 'code', LAST.text[dir]);
    case 'reference':
      return sub('idx_reference', 'target_id', LAST.text[dir]);
    case 'uri':
      return sub('idx_uri', 'uri', LAST.text[dir]);
    case 'number':
      return sub('idx_number', 'value', LAST.number[dir]);
    default:
      return sub('idx_quantity', 'value', LAST.number[dir]);
  }
}

export const sortColumns = (keys: SortKey[]) => keys.map((_k, i) => identifier(`s${i}`));

export function orderBy(keys: SortKey[]): Sql {
  const cols = sortColumns(keys);
  return joinSql([...keys.map((k, i) => sql`q.${cols[i]} ${k.desc ? sql`DESC` : sql`ASC`}`), sql`q.pk ASC`], ', ');
}

/** Rows strictly after the cursor row in (keys..., pk) order. */
export function afterCursor(keys: SortKey[], cursor: CursorValue[]): Sql {
  const cols = sortColumns(keys);
  const value = (i: number) => (isDateKey(keys[i]) ? cursorDate(cursor[i]) : cursor[i]);
  const branches: Sql[] = [];
  for (let i = 0; i <= keys.length; i++) {
    const equal = cols.slice(0, i).map((c, j) => sql`q.${c} = ${value(j)}`);
    const beyond = i < keys.length ? sql`q.${cols[i]} ${keys[i].desc ? sql`<` : sql`>`} ${value(i)}` : sql`q.pk > ${cursor[keys.length]}`;
    branches.push(joinSql([...equal, beyond], ' AND '));
  }
  return or(branches.map((b) => sql`(${b})`));
}

export function encodeSortCursor(row: Record<string, unknown>, keys: SortKey[]): string {
  const values = [
    ...sortColumns(keys).map((c, i) =>
      isDateKey(keys[i]) ? cursorDate(row[c.text] as Date | string).toISOString() : toCursorValue(row[c.text]),
    ),
    Number(row.pk),
  ];
  return Buffer.from(JSON.stringify(values)).toString('base64url');
}

/** The values a cursor carries must be what each key sorts on (sort values are never NULL: see LAST). */
export function decodeSortCursor(cursor: string, keys: SortKey[]): CursorValue[] | undefined {
  let values: unknown;
  try {
    values = JSON.parse(Buffer.from(cursor, 'base64url').toString());
  } catch {
    return undefined;
  }
  if (!Array.isArray(values) || values.length !== keys.length + 1 || !Number.isSafeInteger(values[keys.length])) return undefined;
  return keys.every((k, i) => fitsKey(k, values[i])) ? (values as CursorValue[]) : undefined;
}

function fitsKey(key: SortKey, v: unknown): boolean {
  if (isDateKey(key)) return typeof v === 'string' && !Number.isNaN(Date.parse(v));
  if (key.def.type === 'number' || key.def.type === 'quantity') return typeof v === 'number' && Number.isFinite(v);
  return typeof v === 'string';
}

/**
 * A date sort value as the instant it is. The database gives a key computed with COALESCE as text in UTC without a
 * zone ('2026-10-24 10:00:00.000'), which Date would read as local time; cursors hold ISO instants.
 */
export function cursorDate(v: Date | string | number): Date {
  if (v instanceof Date) return v;
  const text = String(v);
  return new Date(/^\d{4}-\d\d-\d\d \d/.test(text) ? `${text.replace(' ', 'T')}Z` : text);
}

const isDateKey = (key: SortKey) => key.def.type === 'date' || key.def.code === '_lastUpdated';

function toCursorValue(v: unknown): CursorValue {
  if (v instanceof Date) return v.toISOString();
  return typeof v === 'number' ? v : String(v);
}
