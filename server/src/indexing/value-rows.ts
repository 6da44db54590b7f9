// Turns typed values found by a SearchParameter expression into index rows of the parameter's type.
// https://hl7.org/fhir/R4/search.html#ptypes (which datatypes each parameter type matches)
import { parseDateRange } from '../search/date-range.js';
import { normalizeString } from '../search/string-sql.js';
import type { TypedValue } from './compile-param.js';
import type { IndexRows } from './index-rows.js';

type Obj = Record<string, unknown>;

const MIN_INSTANT = -62135596800000; // 0001-01-01T00:00:00Z: an open Period start
const MAX_INSTANT = 253402300799999; // 9999-12-31T23:59:59.999Z: an open Period end
const QUANTITY_TYPES = new Set(['Quantity', 'Age', 'Duration', 'Count', 'Distance', 'SimpleQuantity', 'MoneyQuantity']);
const NUMBER_TYPES = new Set(['decimal', 'integer', 'positiveInt', 'unsignedInt', 'number']);
const DATE_TYPES = new Set(['date', 'dateTime', 'instant']);

const str = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 ? v : null);

export function addTokenRows(rows: IndexRows, param: string, { type, value }: TypedValue): void {
  const push = (system: string | null, code: string | null, display: string | null) => {
    if (code !== null || display !== null) rows.token.push({ param, system, code, display });
  };
  if (typeof value !== 'object' || value === null) {
    if (value !== undefined) push(null, String(value), null);
    return;
  }
  const v = value as Obj;
  switch (type) {
    case 'CodeableConcept':
      for (const c of (v.coding as Obj[] | undefined) ?? []) push(str(c.system), str(c.code), str(c.display));
      if (str(v.text)) push(null, null, str(v.text));
      return;
    case 'Identifier':
      push(str(v.system), str(v.value), str((v.type as Obj | undefined)?.text));
      return;
    case 'ContactPoint':
      push(null, str(v.value), null);
      return;
    default: // Coding and anything with its shape
      push(str(v.system), str(v.code) ?? str(v.value), str(v.display));
  }
}

export function addStringRows(rows: IndexRows, param: string, { type, value }: TypedValue): void {
  const push = (s: unknown) => {
    if (typeof s !== 'string' || s.trim() === '') return;
    rows.string.push({ param, normalized: normalizeString(s), exact: s.slice(0, 255) });
  };
  if (typeof value !== 'object' || value === null) return push(value);
  const v = value as Obj;
  const parts = type === 'HumanName'
    ? [v.text, v.family, v.given, v.prefix, v.suffix]
    : type === 'Address'
      ? [v.text, v.line, v.city, v.district, v.state, v.postalCode, v.country]
      : [];
  for (const p of parts.flat()) push(p);
}

export function addReferenceRows(rows: IndexRows, param: string, { value }: TypedValue, baseUrl: string): void {
  const ref = typeof value === 'string' ? value : str((value as Obj | null)?.reference);
  if (!ref || ref.startsWith('#')) return;
  const local = ref.startsWith(`${baseUrl}/`) ? ref.slice(baseUrl.length + 1) : ref;
  const m = /^(?:(.*)\/)?([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})(?:\/_history\/[^/]+)?$/.exec(local);
  if (m) {
    const absolute = m[1] !== undefined;
    rows.reference.push({ param, targetType: m[2], targetId: m[3], url: absolute ? local.replace(/\/_history\/[^/]+$/, '') : null });
  } else {
    rows.reference.push({ param, targetType: null, targetId: null, url: local.split('|')[0].slice(0, 512) });
  }
}

export function addDateRows(rows: IndexRows, param: string, { type, value }: TypedValue): void {
  const range = (s: unknown) => (typeof s === 'string' ? parseDateRange(s) : undefined);
  if (DATE_TYPES.has(type) || typeof value === 'string') {
    const r = range(value);
    if (r) rows.date.push({ param, ...r });
    return;
  }
  const v = value as Obj;
  if (type === 'Period') {
    const start = range(v.start);
    const end = range(v.end);
    if (start || end) rows.date.push({ param, start: start?.start ?? MIN_INSTANT, end: end?.end ?? MAX_INSTANT });
  } else if (type === 'Timing') {
    const events = ((v.event as string[] | undefined) ?? []).map(range).filter((r) => r !== undefined);
    if (events.length > 0) {
      rows.date.push({ param, start: Math.min(...events.map((e) => e!.start)), end: Math.max(...events.map((e) => e!.end)) });
    }
  }
}

export function addNumberRows(rows: IndexRows, param: string, { type, value }: TypedValue): void {
  if (NUMBER_TYPES.has(type) && typeof value === 'number' && Number.isFinite(value)) rows.number.push({ param, value });
}

export function addQuantityRows(rows: IndexRows, param: string, { type, value }: TypedValue): void {
  const v = value as Obj | null;
  if (!v || typeof v.value !== 'number') return;
  if (QUANTITY_TYPES.has(type)) {
    rows.quantity.push({ param, value: v.value, system: str(v.system), code: str(v.code), unit: str(v.unit) });
  } else if (type === 'Money') {
    rows.quantity.push({ param, value: v.value, system: 'urn:iso:std:iso:4217', code: str(v.currency), unit: null });
  }
}

export function addUriRows(rows: IndexRows, param: string, { value }: TypedValue): void {
  if (typeof value === 'string' && value.length > 0) rows.uri.push({ param, uri: value.split('|')[0] });
}
