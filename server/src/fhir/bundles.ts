// Searchset and history Bundles with paging links. https://hl7.org/fhir/R4/bundle.html
import type { Bundle, BundleEntry, BundleLink, FhirResource, Resource } from 'fhir/r4.js';
import type { Page, ResourceVersion } from '../store/repository.js';
import { etagOf } from './etag.js';
import type { FhirContext } from './fhir-context.js';

/** self and next links: the same query, the next one continuing from the page's cursor. */
export function pageLinks(ctx: FhirContext, path: string, query: URLSearchParams, nextCursor?: string): BundleLink[] {
  const url = (q: URLSearchParams) => `${ctx.baseUrl}/${path}${q.size > 0 ? `?${q.toString()}` : ''}`;
  const links: BundleLink[] = [{ relation: 'self', url: url(query) }];
  if (nextCursor) {
    const next = new URLSearchParams(query);
    next.set('_cursor', nextCursor);
    links.push({ relation: 'next', url: url(next) });
  }
  return links;
}

export function searchsetBundle(ctx: FhirContext, page: Page<Resource>, links: BundleLink[], extra: BundleEntry[] = []): Bundle {
  const bundle: Bundle = { resourceType: 'Bundle', type: 'searchset' };
  if (page.total !== undefined) bundle.total = page.total;
  bundle.link = links;
  const entry =
    (mode: 'match' | 'include') =>
    (resource: Resource): BundleEntry => ({
      fullUrl: `${ctx.baseUrl}/${resource.resourceType}/${resource.id}`,
      resource: resource as FhirResource,
      search: { mode },
    });
  bundle.entry = [...page.items.map(entry('match')), ...(page.included ?? []).map(entry('include')), ...extra];
  return bundle;
}

export function historyBundle(ctx: FhirContext, page: Page<ResourceVersion>, links: BundleLink[]): Bundle {
  const bundle: Bundle = { resourceType: 'Bundle', type: 'history' };
  if (page.total !== undefined) bundle.total = page.total;
  bundle.link = links;
  bundle.entry = page.items.map((v) => {
    const entry: BundleEntry = { fullUrl: `${ctx.baseUrl}/${v.type}/${v.id}` };
    if (v.resource) entry.resource = v.resource as FhirResource;
    entry.request = { method: v.method, url: v.method === 'POST' ? v.type : `${v.type}/${v.id}` };
    entry.response = {
      status: v.deleted ? '204' : v.method === 'POST' || v.versionId === '1' ? '201' : '200',
      etag: etagOf(v.versionId),
      lastModified: v.lastUpdated,
    };
    return entry;
  });
  return bundle;
}
