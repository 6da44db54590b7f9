// Drops repeated index rows of one parameter. https://hl7.org/fhir/R4/search.html
// A search matches a resource once whatever the count (a code in two codings, a name part twice), so repeats only cost inserts.
import type { IndexRows } from './index-rows.js';

/** The columns that make a row distinct, per table (param is the same within the tail being deduplicated). */
export const ROW_FIELDS: { readonly [K in keyof IndexRows]: readonly string[] } = {
  token: ['system', 'code', 'display'],
  string: ['normalized', 'exact'],
  date: ['start', 'end'],
  number: ['value'],
  quantity: ['value', 'system', 'code', 'unit'],
  reference: ['targetType', 'targetId', 'url'],
  uri: ['uri'],
  // Composite rows are not deduplicated (each is a distinct pair object).
  composite: ['parts'],
  display: ['display'],
};

// The compared columns of index rows hold scalars (text, epoch milliseconds, numbers) or null.
type Row = Record<string, string | number | null | undefined>;

// Beyond this many rows a Set of keys beats comparing every pair.
const PAIRWISE_LIMIT = 12;

/** Removes, in place and keeping first occurrences, repeats among `rows[from..]`. */
export function dedupeTail(rows: object[], from: number, fields: readonly string[]): void {
  const n = rows.length - from;
  if (n < 2) return;
  const list = rows as Row[];
  let kept = from;
  if (n <= PAIRWISE_LIMIT) {
    for (let i = from; i < list.length; i++) {
      let repeat = false;
      for (let j = from; j < kept && !repeat; j++) repeat = sameRow(list[i], list[j], fields);
      if (!repeat) list[kept++] = list[i];
    }
  } else {
    const seen = new Set<string>();
    for (let i = from; i < list.length; i++) {
      const key = rowKey(list[i], fields);
      if (seen.has(key)) continue;
      seen.add(key);
      list[kept++] = list[i];
    }
  }
  list.length = kept;
}

function sameRow(a: Row, b: Row, fields: readonly string[]): boolean {
  for (const f of fields) if (a[f] !== b[f]) return false;
  return true;
}

function rowKey(row: Row, fields: readonly string[]): string {
  let key = '';
  // null and the string 'null' must differ, hence the type tag before each value
  for (const f of fields) {
    const v = row[f];
    key += v === null ? '\u0000n' : `\u0000${typeof v === 'number' ? 'd' : 's'}${String(v)}`;
  }
  return key;
}
