// Reading searchset Bundles page by page: the resources of a page and its next link. Pure.
import type { Bundle, Resource } from 'fhir/r4.js';

/** Enough for 90 days of daily scores at _count=200; a server that pages forever must not hang the app. */
export const MAX_PAGES = 20;

export function bundleResources<T extends Resource = Resource>(bundle: Bundle): T[] {
  return (bundle.entry ?? []).flatMap((e) => (e.resource ? [e.resource as T] : []));
}

export function nextLink(bundle: Bundle): string | undefined {
  return bundle.link?.find((l) => l.relation === 'next')?.url;
}
