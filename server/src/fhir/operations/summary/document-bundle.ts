// A `document` Bundle: the Composition first, then every resource it brings, each once, with an identifier and a
// timestamp (bdl-9, bdl-10). Stored resources get their absolute URL as fullUrl, generated ones a urn:uuid.
// https://hl7.org/fhir/R4/documents.html
import { randomUUID } from 'node:crypto';
import type { Bundle, BundleEntry, Composition, Resource } from 'fhir/r4.js';
import type { FhirContext } from '../../fhir-context.js';
import { resourceUrl } from '../../fhir-context.js';

export interface DocumentParts {
  composition: Composition;
  /** The Composition's fullUrl. */
  compositionUrl: string;
  resources: { fullUrl: string; resource: Resource }[];
  profile?: string;
}

export function documentBundle(parts: DocumentParts): Bundle {
  const seen = new Set<string>([parts.compositionUrl]);
  const entry: BundleEntry[] = [{ fullUrl: parts.compositionUrl, resource: parts.composition }];
  for (const r of parts.resources) {
    if (seen.has(r.fullUrl)) continue;
    seen.add(r.fullUrl);
    entry.push(r as BundleEntry);
  }
  const id = randomUUID();
  return {
    resourceType: 'Bundle',
    id,
    ...(parts.profile ? { meta: { profile: [parts.profile] } } : {}),
    identifier: { system: 'urn:ietf:rfc:3986', value: `urn:uuid:${randomUUID()}` },
    type: 'document',
    timestamp: new Date().toISOString(),
    entry,
  };
}

/** A stored resource as a document entry. */
export const storedEntry = (ctx: FhirContext, resource: Resource) => ({ fullUrl: resourceUrl(ctx, resource), resource });

/** `Type/id` (relative, or absolute on our base) of a reference, or undefined for one we cannot read here. */
export function localReference(ctx: FhirContext, reference: string | undefined): { type: string; id: string } | undefined {
  if (!reference) return undefined;
  const path = reference.startsWith(`${ctx.baseUrl}/`) ? reference.slice(ctx.baseUrl.length + 1) : reference;
  const m = /^([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})(?:\/_history\/[A-Za-z0-9\-.]{1,64})?$/.exec(path);
  return m ? { type: m[1], id: m[2] } : undefined;
}

/** The current version of a referenced resource the token may read, or undefined (unknown, deleted, hidden, external). */
export async function readReference(ctx: FhirContext, reference: string | undefined): Promise<Resource | undefined> {
  const local = localReference(ctx, reference);
  if (!local || !ctx.defs.isResourceType(local.type)) return undefined;
  const version = await ctx.repo.read(local.type, local.id);
  return version && !version.deleted ? version.resource : undefined;
}
