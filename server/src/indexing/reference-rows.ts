// Reference index values: a reference, canonical or uri as the type/id/url a search matches. https://hl7.org/fhir/R4/search.html#reference
// Literal references are https://hl7.org/fhir/R4/references.html#literal
import type { ReferenceRow } from './index-rows.js';

export type ReferenceTarget = Omit<ReferenceRow, 'param'>;

const ID = /^[A-Za-z0-9\-.]{1,64}$/; // https://hl7.org/fhir/R4/datatypes.html#id
const HISTORY = '/_history/';

/**
 * `[base/]Type/id[/_history/version]`. `ownBase` (this server's FHIR base) makes absolute references to this
 * server local, since a search for `Patient/1` or for the absolute URL (reference-sql strips it too) means the same.
 */
export function parseReference(reference: string, isResourceType: (t: string) => boolean, ownBase = ''): ReferenceTarget | undefined {
  if (reference.length === 0 || reference.startsWith('#')) return undefined;
  const local = ownBase && reference.startsWith(`${ownBase}/`) ? reference.slice(ownBase.length + 1) : reference;
  // String scanning rather than one regex: this runs for every reference of every write.
  let path = local;
  const h = path.lastIndexOf(HISTORY);
  if (h > 0 && path.indexOf('/', h + HISTORY.length) < 0) path = path.slice(0, h);
  const idAt = path.lastIndexOf('/');
  const typeAt = idAt > 0 ? path.lastIndexOf('/', idAt - 1) : -1;
  const type = path.slice(typeAt + 1, idAt);
  const id = path.slice(idAt + 1);
  const base = typeAt < 0 ? undefined : path.slice(0, typeAt);
  if (idAt > 0 && isResourceType(type) && ID.test(id) && (base === undefined || /^https?:\/\/./.test(base))) {
    return { targetType: type, targetId: id, url: base === undefined ? null : path };
  }
  return { targetType: null, targetId: null, url: withoutVersion(local) };
}

/** Canonicals and uris name a resource by URL only; their type/id segments are not a server location. */
export function canonicalTarget(value: string): ReferenceTarget | undefined {
  return value.length === 0 ? undefined : { targetType: null, targetId: null, url: withoutVersion(value) };
}

/** The search side compares URLs without `|version` (reference-sql strips it from the query too). */
export function withoutVersion(url: string): string {
  const bar = url.indexOf('|');
  return bar < 0 ? url : url.slice(0, bar);
}
