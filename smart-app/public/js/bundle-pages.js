/** Enough for 90 days of daily scores at _count=200; a server that pages forever must not hang the app. */
export const MAX_PAGES = 20;
export function bundleResources(bundle) {
    return (bundle.entry ?? []).flatMap((e) => (e.resource ? [e.resource] : []));
}
export function nextLink(bundle) {
    return bundle.link?.find((l) => l.relation === 'next')?.url;
}
