// Rewrites references inside a transaction: urn:uuid fullUrls to the ids assigned, and conditional
// references (`Patient?identifier=x`) to the one resource they match. https://hl7.org/fhir/R4/http.html#trules
import type { Resource } from 'fhir/r4.js';
import { multipleMatches, noMatch } from '../core/outcomes.js';
import { findMatches } from './conditional.js';
import type { FhirContext } from './fhir-context.js';
import { copyExact } from '../core/exact-numbers.js';

const CONDITIONAL_REFERENCE = /^([A-Z][A-Za-z]+)\?(.+)$/;

type Pending = { obj: Record<string, unknown>; type: string; criteria: string }[];

/**
 * `value` with every `reference` string (and any string equal to a fullUrl being replaced) rewritten. Copy on
 * write: the objects and arrays on the way to a rewritten string are new, the rest is shared, and `value` itself
 * is never changed (a retried transaction starts again from the client's resource).
 */
export async function rewriteReferences(
  value: unknown,
  fullUrls: ReadonlyMap<string, string>,
  conditional: (type: string, criteria: string) => Promise<string>,
): Promise<unknown> {
  // One synchronous walk; only the conditional references found wait for a lookup, then fill the copies made for them.
  const pending: Pending = [];
  const rewritten = rewriteKnown(value, fullUrls, pending);
  for (const { obj, type, criteria } of pending) obj.reference = await conditional(type, criteria);
  return rewritten;
}

function rewriteKnown(value: unknown, fullUrls: ReadonlyMap<string, string>, pending: Pending): unknown {
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const v: unknown = value[i];
      const next = typeof v === 'string' ? (fullUrls.get(v) ?? v) : rewriteKnown(v, fullUrls, pending);
      if (next !== v) (copy ??= value.slice())[i] = next;
    }
    return copy ? copyExact(value, copy) : value;
  }
  if (typeof value !== 'object' || value === null) return value;
  const obj = value as Record<string, unknown>;
  let copy: Record<string, unknown> | undefined;
  for (const key in obj) {
    const v = obj[key];
    if (typeof v !== 'string') {
      const next = rewriteKnown(v, fullUrls, pending);
      if (next !== v) (copy ??= { ...obj })[key] = next;
      continue;
    }
    const mapped = fullUrls.size > 0 ? fullUrls.get(v) : undefined;
    if (mapped) (copy ??= { ...obj })[key] = mapped;
    else if (key === 'reference') {
      const m = CONDITIONAL_REFERENCE.exec(v);
      if (m) pending.push({ obj: (copy ??= { ...obj }), type: m[1], criteria: m[2] });
    }
  }
  return copy ? copyExact(obj, copy) : value;
}

/** Resolves `Type?criteria` to `Type/id`: first against entries created in this bundle, then the store. */
export function conditionalResolver(ctx: FhirContext, createdByCriteria: ReadonlyMap<string, string>) {
  const cache = new Map<string, string>();
  return async (type: string, criteria: string): Promise<string> => {
    const key = `${type}?${criteria}`;
    const known = cache.get(key) ?? createdByCriteria.get(key);
    if (known) return known;
    const matches = await findMatches(ctx.repo, ctx, type, criteria);
    if (matches.length === 0) throw noMatch(`Conditional reference '${key}' must match exactly one resource but matches none`);
    if (matches.length > 1) throw multipleMatches(`Conditional reference '${key}' must match exactly one resource but matches several`);
    const ref = `${type}/${matches[0].id}`;
    cache.set(key, ref);
    return ref;
  };
}

export const isResource = (v: unknown): v is Resource =>
  typeof v === 'object' && v !== null && typeof (v as Resource).resourceType === 'string';
