// Rewrites references inside a transaction: urn:uuid fullUrls to the ids assigned, and conditional
// references (`Patient?identifier=x`) to the one resource they match. https://hl7.org/fhir/R4/http.html#trules
import type { Resource } from 'fhir/r4.js';
import { preconditionFailed } from '../core/outcomes.js';
import { findMatches } from './conditional.js';
import type { FhirContext } from './fhir-context.js';

const CONDITIONAL_REFERENCE = /^([A-Z][A-Za-z]+)\?(.+)$/;

/** Every `reference` string (and any string equal to a fullUrl being replaced) in `value`, rewritten in place. */
export async function rewriteReferences(
  value: unknown,
  fullUrls: ReadonlyMap<string, string>,
  conditional: (type: string, criteria: string) => Promise<string>,
): Promise<void> {
  // One synchronous walk; only the conditional references found wait for a lookup.
  const pending: { obj: Record<string, unknown>; type: string; criteria: string }[] = [];
  rewriteKnown(value, fullUrls, pending);
  for (const { obj, type, criteria } of pending) obj.reference = await conditional(type, criteria);
}

function rewriteKnown(value: unknown, fullUrls: ReadonlyMap<string, string>, pending: { obj: Record<string, unknown>; type: string; criteria: string }[]): void {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      if (typeof value[i] === 'string') value[i] = fullUrls.get(value[i]) ?? value[i];
      else rewriteKnown(value[i], fullUrls, pending);
    }
    return;
  }
  if (typeof value !== 'object' || value === null) return;
  const obj = value as Record<string, unknown>;
  for (const key in obj) {
    const v = obj[key];
    if (typeof v !== 'string') {
      rewriteKnown(v, fullUrls, pending);
      continue;
    }
    const mapped = fullUrls.size > 0 ? fullUrls.get(v) : undefined;
    if (mapped) obj[key] = mapped;
    else if (key === 'reference') {
      const m = CONDITIONAL_REFERENCE.exec(v);
      if (m) pending.push({ obj, type: m[1], criteria: m[2] });
    }
  }
}

/** Resolves `Type?criteria` to `Type/id`: first against entries created in this bundle, then the store. */
export function conditionalResolver(ctx: FhirContext, createdByCriteria: ReadonlyMap<string, string>) {
  const cache = new Map<string, string>();
  return async (type: string, criteria: string): Promise<string> => {
    const key = `${type}?${criteria}`;
    const known = cache.get(key) ?? createdByCriteria.get(key);
    if (known) return known;
    const matches = await findMatches(ctx.repo, ctx, type, criteria);
    if (matches.length !== 1) {
      throw preconditionFailed(
        `Conditional reference '${key}' must match exactly one resource but matches ${matches.length === 0 ? 'none' : 'several'}`,
      );
    }
    const ref = `${type}/${matches[0].id}`;
    cache.set(key, ref);
    return ref;
  };
}

export const isResource = (v: unknown): v is Resource =>
  typeof v === 'object' && v !== null && typeof (v as Resource).resourceType === 'string';
