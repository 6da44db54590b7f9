// Applies an RFC 6902 JSON Patch document to a resource (PATCH with application/json-patch+json).
// https://hl7.org/fhir/R4/http.html#patch
import type { Resource } from 'fhir/r4.js';
// Default import: the package is CommonJS filled by Object.assign, so Node cannot see its named exports.
import jsonpatch from 'fast-json-patch';
import type { JsonPatchError, Operation } from 'fast-json-patch';
import { badRequest, unprocessable } from '../../core/outcomes.js';
import { cloneExact, copyExact, exactTextOf, markExact } from '../../core/exact-numbers.js';

const OPS = new Set(['add', 'remove', 'replace', 'move', 'copy', 'test']);
const NEEDS_VALUE = new Set(['add', 'replace', 'test']);
const NEEDS_FROM = new Set(['move', 'copy']);

/** Why fast-json-patch gave up, in words a client can act on; keyed by its error names. */
const APPLY_FAILURES: Record<string, string> = {
  TEST_OPERATION_FAILED: 'test failed: the value at the path differs',
  OPERATION_PATH_UNRESOLVABLE: 'path does not exist',
  OPERATION_FROM_UNRESOLVABLE: 'from path does not exist',
  OPERATION_PATH_CANNOT_ADD: 'parent of the path does not exist',
  OPERATION_PATH_ILLEGAL_ARRAY_INDEX: 'path addresses an array with something other than an index',
  OPERATION_VALUE_OUT_OF_BOUNDS: 'array index is out of bounds',
};

export function applyJsonPatch(resource: Resource, patch: unknown): Resource {
  const ops = parseJsonPatch(patch);
  // Work on a copy so that a failure half-way leaves the caller's resource untouched.
  const doc = cloneExact(resource) as unknown;
  let result = doc;
  ops.forEach((op, i) => {
    try {
      // One at a time because the library's own document checks report every failure as operation 0.
      result = jsonpatch.applyOperation(result, op, true, true, true, i).newDocument;
      keepValueText(result, op);
    } catch (err) {
      throw translateFailure(err, i, op);
    }
  });
  if (!isPlainObject(result) || typeof result.resourceType !== 'string') {
    throw unprocessable('JSON Patch result is not a resource: it must stay a JSON object with a resourceType');
  }
  return result as unknown as Resource;
}

/** Checks the document's shape before touching the resource, so that a malformed patch is a 400, never a 422. */
export function parseJsonPatch(patch: unknown): Operation[] {
  if (!Array.isArray(patch)) throw badRequest('JSON Patch document must be a JSON array of operations');
  return patch.map((raw, i) => parseOperation(raw, i));
}

function parseOperation(raw: unknown, i: number): Operation {
  if (!isPlainObject(raw)) throw badRequest(`JSON Patch operation ${i}: must be a JSON object`);
  const { op, path, from, value } = raw;
  if (typeof op !== 'string' || !OPS.has(op)) {
    throw badRequest(`JSON Patch operation ${i}: op ${JSON.stringify(op)} is not one of ${[...OPS].join(', ')}`);
  }
  const label = `JSON Patch operation ${i} (${op} ${typeof path === 'string' ? path : '?'})`;
  const pathProblem = pointerProblem(path);
  if (pathProblem) throw badRequest(`${label}: path ${pathProblem}`);
  if (NEEDS_VALUE.has(op) && (!('value' in raw) || !isJsonValue(value))) {
    throw badRequest(`${label}: value is required and must be JSON`);
  }
  if (NEEDS_FROM.has(op)) {
    const fromProblem = pointerProblem(from);
    if (fromProblem) throw badRequest(`${label}: from ${fromProblem}`);
    // RFC 6902 4.4: an object cannot be moved into one of its own children.
    if (op === 'move' && (path as string).startsWith(`${from as string}/`)) {
      throw badRequest(`${label}: cannot move a location into one of its children`);
    }
    return { op, path, from } as Operation;
  }
  // Cloned because fast-json-patch inserts values by reference: the result must not alias the request body.
  return (NEEDS_VALUE.has(op) ? copyExact(raw, { op, path, value: cloneExact(value) }) : { op, path }) as Operation;
}

/** A number placed by add or replace keeps the text it had in the patch document (`1.50`). */
function keepValueText(doc: unknown, op: Operation): void {
  if (op.op !== 'add' && op.op !== 'replace') return;
  const text = exactTextOf(op, 'value');
  if (text === undefined) return;
  const tokens = op.path
    .split('/')
    .slice(1)
    .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
  const last = tokens.pop();
  let parent: unknown = doc;
  for (const t of tokens) parent = typeof parent === 'object' && parent !== null ? (parent as Record<string, unknown>)[t] : undefined;
  if (typeof parent !== 'object' || parent === null || last === undefined) return;
  const key = Array.isArray(parent) ? (last === '-' ? parent.length - 1 : Number(last)) : last;
  markExact(parent, key, text);
}

/** RFC 6901 JSON Pointer syntax; returns what is wrong, or undefined when the pointer is fine. */
function pointerProblem(pointer: unknown): string | undefined {
  if (typeof pointer !== 'string') return 'is required and must be a string';
  if (pointer !== '' && !pointer.startsWith('/')) return 'must be a JSON Pointer starting with "/"';
  const tokens = pointer.split('/').slice(1);
  if (tokens.some((t) => /~(?![01])/.test(t))) return 'has an invalid "~" escape (only ~0 and ~1 are allowed)';
  // fast-json-patch refuses these with a TypeError; say so as a 400 instead of a 500.
  if (tokens.some((t, k) => t === '__proto__' || (t === 'prototype' && tokens[k - 1] === 'constructor'))) {
    return 'may not address __proto__ or constructor/prototype';
  }
  return undefined;
}

function translateFailure(err: unknown, index: number, op: Operation) {
  const name = (err as Partial<JsonPatchError>).name;
  const reason = (name && APPLY_FAILURES[name]) ?? (err instanceof Error ? err.message : String(err));
  return unprocessable(`JSON Patch operation ${index} (${op.op} ${op.path}): ${reason}`);
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `undefined`, functions and the like cannot come from a parsed body but can from a programmatic caller. */
function isJsonValue(v: unknown): boolean {
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return true;
  if (typeof v === 'number') return Number.isFinite(v);
  if (Array.isArray(v)) return v.every(isJsonValue);
  if (isPlainObject(v)) return Object.values(v).every(isJsonValue);
  return false;
}
