// Index rows as the search tables hold them: the values that search compares computed once, on the write side.
// Dates are clamped to the indexed range with their span class (fhir-values/date-span.ts); UCUM quantities carry
// their canonical form (fhir-values/ucum-canonical.ts); token, date and quantity rows go to each Patient compartment
// the resource is in. https://hl7.org/fhir/R4/search.html#ptypes
import { clampToIndexed, spanClass } from '../fhir-values/date-span.js';
import { canonicalOf, type CanonicalQuantity } from '../fhir-values/ucum-canonical.js';
import type { CompositePart, IndexRows, QuantityRow } from './index-rows.js';
import type { WordRow } from './text-rows.js';

/** `start` and `end` within the indexed range; `spanClass` bounds end - start. */
export interface FinishedDateRow {
  param: string;
  start: number;
  end: number;
  spanClass: number;
}
export interface FinishedQuantityRow extends QuantityRow {
  canonical: CanonicalQuantity | undefined;
}
/** Dates clamped as date rows are; a number with a UCUM code also in canonical units, as quantity rows are. */
export interface FinishedCompositePart extends CompositePart {
  canonical: CanonicalQuantity | undefined;
}
interface FinishedCompositeRow {
  param: string;
  parts: [FinishedCompositePart, FinishedCompositePart];
}

export interface FinishedRows extends Omit<IndexRows, 'date' | 'quantity' | 'composite'> {
  date: FinishedDateRow[];
  quantity: FinishedQuantityRow[];
  composite: FinishedCompositeRow[];
  /** The Patient ids whose compartment the resource is in (indexing/compartments.ts); empty: none. */
  compartments: readonly string[];
  /** The words full-text search reads (text-rows.ts). */
  words: WordRow[];
}

export function finishRows(rows: IndexRows, compartments: readonly string[], words: WordRow[] = []): FinishedRows {
  return {
    ...rows,
    date: rows.date.map((r) => {
      const start = clampToIndexed(r.start);
      const end = clampToIndexed(r.end);
      return { param: r.param, start, end, spanClass: spanClass(end - start) };
    }),
    quantity: rows.quantity.map((r) => ({ ...r, canonical: canonicalOf(r.system, r.code, r.value) })),
    composite: rows.composite.map((r) => ({ param: r.param, parts: [finishPart(r.parts[0]), finishPart(r.parts[1])] })),
    compartments,
    words,
  };
}

function finishPart(p: CompositePart): FinishedCompositePart {
  return {
    ...p,
    start: p.start === null ? null : clampToIndexed(p.start),
    end: p.end === null ? null : clampToIndexed(p.end),
    canonical: p.num === null ? undefined : canonicalOf(p.system, p.code, p.num),
  };
}
