// Rows of the search index tables, one shape per parameter type. https://hl7.org/fhir/R4/search.html#ptypes
export interface TokenRow {
  param: string;
  system: string | null;
  code: string | null;
  display: string | null;
}
/** normalized: lower case, accents stripped, whitespace collapsed; both cut to 255 characters. */
export interface StringRow {
  param: string;
  normalized: string;
  exact: string;
}
/** Inclusive range in epoch milliseconds (UTC) that the value covers at its precision. */
export interface DateRow {
  param: string;
  start: number;
  end: number;
}
export interface NumberRow {
  param: string;
  value: number;
}
export interface QuantityRow {
  param: string;
  value: number;
  system: string | null;
  code: string | null;
  unit: string | null;
}
/** Relative references fill type and id; absolute ones also url; canonicals, uris and urns only url. */
export interface ReferenceRow {
  param: string;
  targetType: string | null;
  targetId: string | null;
  url: string | null;
}
export interface UriRow {
  param: string;
  uri: string;
}
/** Reference.display, which full-text search (`:text`) reads; references are found by target in ReferenceRow. */
export interface DisplayRow {
  param: string;
  display: string;
}

/** One typed value of a composite's component: token/reference/string/uri in system+code, numbers and quantities in num, dates in start/end. */
export interface CompositePart {
  system: string | null;
  code: string | null;
  num: number | null;
  start: number | null;
  end: number | null;
}
export interface CompositeRow {
  param: string;
  parts: [CompositePart, CompositePart];
}

export interface IndexRows {
  token: TokenRow[];
  string: StringRow[];
  date: DateRow[];
  number: NumberRow[];
  quantity: QuantityRow[];
  reference: ReferenceRow[];
  uri: UriRow[];
  composite: CompositeRow[];
  display: DisplayRow[];
}
