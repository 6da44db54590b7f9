// The search parameters every stored resource answers from its own row (its id and last-updated time), never from
// index rows: the indexer writes no rows for them, and searches read the resource row's columns.
// https://hl7.org/fhir/R4/search.html#all
const RESOURCE_ROW_PARAMS: ReadonlySet<string> = new Set(['_id', '_lastUpdated']);

/** `_id` or `_lastUpdated`. */
export const fromResourceRow = (code: string): boolean => RESOURCE_ROW_PARAMS.has(code);
