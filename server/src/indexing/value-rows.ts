// Turns typed values found by a search expression into index rows of the param's type. https://hl7.org/fhir/R4/search.html#ptypes
import type { SearchParamType } from '../definitions/r4-definitions.js';
import { parseDateRange } from '../fhir-values/date-range.js';
import { normalizeString } from '../fhir-values/normalize-string.js';
import type { IndexRows } from './index-rows.js';
import { canonicalTarget, parseReference } from './reference-rows.js';

type Obj = Record<string, unknown>;
export type AddRows = (rows: IndexRows, param: string, type: string, value: unknown) => void;

const MIN_INSTANT = -62135596800000; // 0001-01-01T00:00:00Z: an open Period start
const MAX_INSTANT = 253402300799999; // 9999-12-31T23:59:59.999Z: an open Period end
const QUANTITY_TYPES = new Set(['Quantity', 'Age', 'Duration', 'Count', 'Distance', 'SimpleQuantity', 'MoneyQuantity']);
const NUMBER_TYPES = new Set(['decimal', 'integer', 'positiveInt', 'unsignedInt', 'number']);
const DATE_TYPES = new Set(['date', 'dateTime', 'instant']);
const ISO_4217 = 'urn:iso:std:iso:4217';

const str = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 ? v : null);

function pushToken(rows: IndexRows, param: string, system: string | null, code: string | null, display: string | null): void {
  if (code !== null || display !== null) rows.token.push({ param, system, code, display });
}

export function addTokenRows(rows: IndexRows, param: string, type: string, value: unknown): void {
  if (typeof value !== 'object' || value === null) {
    // code, string, uri, id, boolean...: a code without a system (a bound code's system is implied by the element)
    if (typeof value === 'string' ? value.length > 0 : value !== undefined) pushToken(rows, param, null, String(value), null);
    return;
  }
  const v = value as Obj;
  switch (type) {
    case 'CodeableConcept': {
      const coding = v.coding;
      const text = str(v.text);
      let textShown = false;
      if (Array.isArray(coding)) {
        for (const c of coding as (Obj | null)[]) {
          if (!c) continue;
          const display = str(c.display);
          pushToken(rows, param, str(c.system), str(c.code), display);
          textShown ||= display !== null && display === text;
        }
      }
      // :text matches CodeableConcept.text, which belongs to no coding: a row of its own, unless a coding's display
      // (which :text matches too) already is that text, as in most mapped data ("Heart rate" and LOINC's display).
      if (!textShown) pushToken(rows, param, null, null, text);
      return;
    }
    case 'Identifier':
      // :text on an identifier matches Identifier.type.text (search.html#modifiers)
      pushToken(rows, param, str(v.system), str(v.value), str((v.type as Obj | undefined)?.text));
      addOfTypeRows(rows, param, v);
      return;
    case 'ContactPoint':
      pushToken(rows, param, null, str(v.value), null);
      return;
    default: // Coding
      pushToken(rows, param, str(v.system), str(v.code), str(v.display));
  }
}

/** Suffixes of the token rows kept for modifiers that need more than system and code. */
export const OF_TYPE = ':of-type';
export const BY_IDENTIFIER = ':identifier';

/** identifier:of-type=typeSystem|typeCode|value: one row per type coding, code holding `typeCode|value`. */
function addOfTypeRows(rows: IndexRows, param: string, identifier: Obj): void {
  const value = str(identifier.value);
  const codings = (identifier.type as Obj | undefined)?.coding;
  if (!value || !Array.isArray(codings)) return;
  for (const c of codings as (Obj | null)[]) {
    if (c && str(c.code)) pushToken(rows, `${param}${OF_TYPE}`, str(c.system), `${c.code as string}|${value}`, null);
  }
}

function pushString(rows: IndexRows, param: string, s: unknown): void {
  if (typeof s !== 'string' || s.trim() === '') return;
  rows.string.push({ param, normalized: normalizeString(s), exact: s.length > 255 ? cut255(s) : s });
}

/** 255 UTF-16 units, without leaving half of a surrogate pair (which MySQL's utf8mb4 would reject). */
function cut255(s: string): string {
  const code = s.charCodeAt(254);
  return s.slice(0, code >= 0xd800 && code <= 0xdbff ? 254 : 255);
}

const HUMAN_NAME = ['family', 'given', 'prefix', 'suffix', 'text'];
const ADDRESS = ['line', 'city', 'district', 'state', 'postalCode', 'country', 'text'];

export function addStringRows(rows: IndexRows, param: string, type: string, value: unknown): void {
  if (typeof value !== 'object' || value === null) return pushString(rows, param, value);
  const parts = type === 'HumanName' ? HUMAN_NAME : type === 'Address' ? ADDRESS : undefined;
  if (!parts) return;
  const v = value as Obj;
  for (const key of parts) {
    const part = v[key];
    if (Array.isArray(part)) for (const p of part) pushString(rows, param, p);
    else pushString(rows, param, part);
  }
}

export function referenceAdder(isResourceType: (t: string) => boolean, ownBase: string): AddRows {
  return (rows, param, _type, value) => {
    let target;
    if (typeof value === 'string') {
      target = canonicalTarget(value);
    } else if (typeof value === 'object' && value !== null) {
      const ref = (value as Obj).reference;
      if (typeof ref === 'string') target = parseReference(ref, isResourceType, ownBase);
      // A logical reference (Reference.identifier) is found with :identifier, kept as a token row.
      const identifier = (value as Obj).identifier as Obj | undefined;
      if (identifier && str(identifier.value)) {
        pushToken(rows, `${param}${BY_IDENTIFIER}`, str(identifier.system), str(identifier.value), null);
      }
      const display = str((value as Obj).display);
      if (display !== null) rows.display.push({ param, display });
    }
    if (target) rows.reference.push({ param, targetType: target.targetType, targetId: target.targetId, url: target.url });
  };
}

function dateRange(v: unknown): { start: number; end: number } | undefined {
  return typeof v === 'string' ? parseDateRange(v) : undefined;
}

export function addDateRows(rows: IndexRows, param: string, type: string, value: unknown): void {
  // A string choice (CarePlan scheduledString "daily") is free text even when it looks like a year.
  if (DATE_TYPES.has(type)) {
    const r = dateRange(value);
    if (r) rows.date.push({ param, start: r.start, end: r.end });
    return;
  }
  if (typeof value !== 'object' || value === null) return;
  const v = value as Obj;
  if (type === 'Period') {
    const start = dateRange(v.start);
    const end = dateRange(v.end);
    if (start || end) rows.date.push({ param, start: start?.start ?? MIN_INSTANT, end: end?.end ?? MAX_INSTANT });
  } else if (type === 'Timing' && Array.isArray(v.event)) {
    let start = Infinity;
    let end = -Infinity;
    for (const e of v.event) {
      const r = dateRange(e);
      if (!r) continue;
      start = Math.min(start, r.start);
      end = Math.max(end, r.end);
    }
    if (start <= end) rows.date.push({ param, start, end });
  }
}

export function addNumberRows(rows: IndexRows, param: string, type: string, value: unknown): void {
  if (NUMBER_TYPES.has(type) && typeof value === 'number' && Number.isFinite(value)) rows.number.push({ param, value });
}

export function addQuantityRows(rows: IndexRows, param: string, type: string, value: unknown): void {
  if (typeof value !== 'object' || value === null) return;
  const v = value as Obj;
  if (typeof v.value !== 'number' || !Number.isFinite(v.value)) return;
  if (QUANTITY_TYPES.has(type)) {
    rows.quantity.push({ param, value: v.value, system: str(v.system), code: str(v.code), unit: str(v.unit) });
  } else if (type === 'Money') {
    rows.quantity.push({ param, value: v.value, system: ISO_4217, code: str(v.currency), unit: null });
  }
}

export function addUriRows(rows: IndexRows, param: string, type: string, value: unknown): void {
  if (typeof value !== 'string' || value.length === 0) return;
  const bar = type === 'canonical' ? value.indexOf('|') : -1;
  rows.uri.push({ param, uri: bar < 0 ? value : value.slice(0, bar) });
}

/** The row builder for each indexed parameter type; composite and special are not indexed here. */
export function rowAdders(isResourceType: (t: string) => boolean, ownBase: string): Partial<Record<SearchParamType, AddRows>> {
  return {
    token: addTokenRows,
    string: addStringRows,
    reference: referenceAdder(isResourceType, ownBase),
    date: addDateRows,
    number: addNumberRows,
    quantity: addQuantityRows,
    uri: addUriRows,
  };
}
