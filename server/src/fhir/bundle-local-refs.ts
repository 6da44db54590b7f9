// References of the form urn:uuid:… and urn:oid:… name an entry of the Bundle they travel in (its fullUrl); stored
// anywhere else they point at nothing. A write refuses them rather than store a reference that can never resolve.
// https://hl7.org/fhir/R4/references.html#literal https://hl7.org/fhir/R4/http.html#trules
import { badRequest, type OutcomeError } from '../core/outcomes.js';

const BUNDLE_LOCAL = /^urn:(uuid|oid):/;

export const isBundleLocalReference = (reference: string): boolean => BUNDLE_LOCAL.test(reference);

/** The 400 for a bundle-local reference that no entry defines; `path` is the FHIRPath of the `reference` element. */
export function danglingReference(reference: string, path: string, inTransaction: boolean): OutcomeError {
  const where = inTransaction
    ? 'no entry of this transaction has that fullUrl'
    : 'such a reference only resolves to an entry of the transaction Bundle it is sent in';
  return badRequest(`Reference '${reference}' at ${path} resolves to nothing: ${where}`, path);
}

/**
 * Throws 400 naming the first `reference` that is a urn:uuid/urn:oid, for a resource written on its own (create,
 * update, patch, a batch entry). A nested Bundle (a document, a collection) resolves its own urn references.
 */
export function refuseBundleLocalReferences(resource: { resourceType: string }): void {
  refuse(resource, resource.resourceType, false);
}

/** A transaction entry's body once its references are rewritten: a urn:uuid/urn:oid left in it names no entry. */
export function refuseDanglingReferences(body: unknown, type: string): void {
  const root = typeof body === 'object' && body !== null ? (body as { resourceType?: unknown }).resourceType : undefined;
  refuse(body, typeof root === 'string' ? root : type, true);
}

function refuse(body: unknown, root: string, inTransaction: boolean): void {
  if (typeof body !== 'object' || body === null || (body as { resourceType?: unknown }).resourceType === 'Bundle') return;
  const found = findBundleLocal(body);
  if (found) throw danglingReference(found.reference, joinPath(root, found.path), inTransaction);
}

/** The path is built on the way back up, so a resource without such a reference allocates nothing. */
function findBundleLocal(value: unknown): { reference: string; path: (string | number)[] } | undefined {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const v: unknown = value[i];
      const hit = typeof v === 'object' && v !== null ? findBundleLocal(v) : undefined;
      if (hit) {
        hit.path.unshift(i);
        return hit;
      }
    }
    return undefined;
  }
  const obj = value as Record<string, unknown>;
  if (obj.resourceType === 'Bundle') return undefined;
  for (const key in obj) {
    const v = obj[key];
    if (key === 'reference' && typeof v === 'string' && isBundleLocalReference(v)) return { reference: v, path: [key] };
    const hit = typeof v === 'object' && v !== null ? findBundleLocal(v) : undefined;
    if (hit) {
      hit.path.unshift(key);
      return hit;
    }
  }
  return undefined;
}

/** `Observation.derivedFrom[1].reference` from its steps. */
function joinPath(root: string, steps: readonly (string | number)[]): string {
  return steps.reduce<string>((at, step) => (typeof step === 'number' ? `${at}[${step}]` : `${at}.${step}`), root);
}
