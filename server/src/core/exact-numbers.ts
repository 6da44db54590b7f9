// FHIR decimals keep the text they were sent with (`1.50`, `0.000001230`, `1.0e2`) from request to storage to every
// response, while the values stay JS numbers for validation, FHIRPath, indexing and patch.
// https://hl7.org/fhir/R4/datatypes.html#decimal https://hl7.org/fhir/R4/json.html#primitive
//
// Node 20 has neither JSON.parse source access nor JSON.rawJSON, so the text of a number whose text is not
// String(Number(text)) is held beside its parent object (a WeakMap), and the parent gets a non-enumerable `toJSON`
// that stringifyExact (and only it) uses to put a placeholder in place of the number, swapped for the text after
// the native JSON.stringify. Any other JSON.stringify sees the plain number; a copy made by spreading or
// Object.entries loses the texts unless copyExact carries them; a changed value is never given its old text.
import { randomBytes } from 'node:crypto';
import { findExactNumbers, needsExactText, type FoundNumber, type JsonPath } from './exact-number-scan.js';

type Key = string | number;
type Container = Record<Key, unknown>;

/** Per parent object or array: key -> the number's text as sent. */
const texts = new WeakMap<object, Map<Key, string>>();

/**
 * Tokens that may need their text kept: a fraction ending in 0, an exponent, `-0`, 16 or more digits, or a magnitude
 * below 1e-6, right after `:` `,` `[` and right before `,` `]` `}`. A cheap superset (strings may match too), each
 * candidate then checked, so that texts without one (the common case) go straight through JSON.parse.
 */
const CANDIDATE = /[:,[]\s*(-?\d+\.\d*0|-?\d+(?:\.\d+)?[eE][-+]?\d+|-0|-?0\.0{6}\d*|-?\d{16,}|-?(?=[\d.]{17})\d+\.\d+)(?=\s*[,\]}])/g;

function mayHoldExact(text: string): boolean {
  CANDIDATE.lastIndex = 0;
  for (let m = CANDIDATE.exec(text); m !== null; m = CANDIDATE.exec(text)) if (needsExactText(m[1])) return true;
  return false;
}

/** After `JSON.parse(text)` gave `value`: remembers the text of each number in it that JSON.stringify would alter. */
export function keepExactNumbers(text: string, value: unknown): void {
  if (typeof value === 'object' && value !== null && mayHoldExact(text)) attachExactNumbers(value, findExactNumbers(text));
}

/** The same with the numbers already found (json-limits.ts finds them while it scans a request body). */
export function attachExactNumbers(value: unknown, found: readonly FoundNumber[]): void {
  if (typeof value !== 'object' || value === null) return;
  for (const number of found) attach(value, number.path, number.text);
}

/** JSON.parse for stored resources: decimals keep their text. */
export function parseExact<T = unknown>(text: string): T {
  const value = JSON.parse(text) as T;
  keepExactNumbers(text, value);
  return value;
}

function attach(root: object, path: JsonPath, text: string): void {
  let parent: unknown = root;
  for (let k = 0; k < path.length - 1; k++) {
    if (typeof parent !== 'object' || parent === null) return;
    parent = (parent as Container)[path[k]];
  }
  if (typeof parent !== 'object' || parent === null || path.length === 0) return;
  markExact(parent, path[path.length - 1], text);
}

/** Gives the number at `parent[key]` the text `text`, as long as it holds that number. */
export function markExact(parent: object, key: Key, text: string): void {
  if (!sameNumber((parent as Container)[key], text)) return;
  let marks = texts.get(parent);
  if (!marks) {
    marks = new Map();
    texts.set(parent, marks);
    Object.defineProperty(parent, 'toJSON', { value: exactToJSON, enumerable: false, writable: true, configurable: true });
  }
  marks.set(key, text);
}

/** The text kept for `parent[key]`, if it still holds the number sent with it. */
export function exactTextOf(parent: object, key: Key): string | undefined {
  const text = texts.get(parent)?.get(key);
  return text !== undefined && sameNumber((parent as Container)[key], text) ? text : undefined;
}

/** Carries the texts of `from` to `to`, a copy of (some of) its keys: for copies made by spreading or rebuilding. */
export function copyExact<T extends object>(from: object, to: T): T {
  const marks = texts.get(from);
  if (marks) for (const [key, text] of marks) markExact(to, key, text);
  return to;
}

/** A deep copy that keeps the texts (structuredClone would drop them). */
export function cloneExact<T>(value: T): T {
  if (typeof value !== 'object' || value === null) return value;
  const out = (Array.isArray(value) ? (value as unknown[]).map((v) => cloneExact(v)) : cloneObject(value as Container)) as T & object;
  copyExact(value, out);
  return out;
}

function cloneObject(value: Container): Container {
  const out: Container = {};
  for (const key of Object.keys(value)) out[key] = cloneExact(value[key]);
  return out;
}

function sameNumber(v: unknown, text: string): boolean {
  return typeof v === 'number' && Object.is(v, Number(text));
}

const PLACEHOLDER = `~exact-${randomBytes(12).toString('hex')}~`;
const PLACEHOLDER_RE = new RegExp(`"${PLACEHOLDER}([-+.0-9eE]+)"`, 'g');
let serializing = false;
let substituted = false;

function exactToJSON(this: object): unknown {
  const marks = serializing ? texts.get(this) : undefined;
  if (!marks) return this;
  const out = (Array.isArray(this) ? [...(this as unknown[])] : { ...this }) as Container;
  for (const [key, text] of marks) {
    if (!sameNumber(out[key], text)) continue;
    out[key] = PLACEHOLDER + text;
    substituted = true;
  }
  return out;
}

/** JSON.stringify that writes kept decimals with their text; at native speed when there are none. */
export function stringifyExact(value: unknown, indent?: number): string {
  serializing = true;
  substituted = false;
  let out: string;
  try {
    out = JSON.stringify(value, null, indent);
  } finally {
    serializing = false;
  }
  return substituted ? out.replace(PLACEHOLDER_RE, '$1') : out;
}
