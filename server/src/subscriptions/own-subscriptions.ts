// The repository as one token sees Subscriptions: only those of its user (visibility.ts). Another user's
// Subscription answers exactly as an id (or version) never stored, whichever interaction asks: 404 on read,
// vread, instance history, update, patch and delete (deleted or not: neither If-Match nor 410 tells it exists,
// and an update cannot take its id over), and it is left out of searches, includes and histories, whose totals
// count only what the token sees. The operations ($status, $events, $get-ws-binding-token) read through it.
// A search of any type whose chain or _has reaches into Subscription (`Provenance?target:Subscription.url=...`)
// would tell whether some user's Subscription meets it: refused with 400 (chain-guard.ts).
import type { Resource } from 'fhir/r4.js';
import { notFound, versionNotFound } from '../core/outcomes.js';
import { MAX_COUNT, type SearchRequest } from '../search/search-request.js';
import { forwardTo } from '../store/forwarding-repository.js';
import type { FhirRepository, Page, ResourceVersion } from '../store/repository.js';
import type { VisibleSubscriptions } from './visibility.js';
import { refuseChainsIntoSubscription } from './chain-guard.js';

const TYPE = 'Subscription';

/** `visible`: subscriptionsVisibleTo the request's token; `counted`: whether totals must be recounted (a token, not AUTH_MODE=open). */
export function ownSubscriptions(repo: FhirRepository, visible: VisibleSubscriptions, counted: boolean): FhirRepository {
  const seen = async (id: string) => (await visible([id])).has(id);
  const hideOne = async (version: ResourceVersion | undefined, vid?: string): Promise<ResourceVersion | undefined> => {
    if (version?.type !== TYPE || (await seen(version.id))) return version;
    throw vid === undefined ? notFound(TYPE, version.id) : versionNotFound(TYPE, version.id, vid);
  };
  const requireOwner = async (type: string, id: string) => {
    if (type === TYPE && !(await seen(id))) throw notFound(type, id);
  };
  const keepVisible = async <T>(items: T[], typeId: (item: T) => { type: string; id?: string }): Promise<{ kept: T[]; hid: boolean }> => {
    const ids = items
      .map(typeId)
      .filter((t) => t.type === TYPE && t.id)
      .map((t) => t.id!);
    if (ids.length === 0) return { kept: items, hid: false };
    const shown = await visible([...new Set(ids)]);
    const kept = items.filter((item) => {
      const t = typeId(item);
      return t.type !== TYPE || (t.id !== undefined && shown.has(t.id));
    });
    return { kept, hid: kept.length < items.length };
  };
  const ofResource = (r: Resource) => ({ type: r.resourceType, id: r.id });

  /**
   * A total SQL counted over Subscriptions the token may not see would tell how many others have: a search of
   * Subscriptions is counted from what the token sees (one complete page), otherwise given without a total.
   */
  const totalOf = (request: SearchRequest, page: Page<Resource>, shown: number, hid: boolean): { total?: number } => {
    if (!counted || request.type !== TYPE) return hid || page.total === undefined ? {} : { total: page.total };
    const complete = request.cursor === undefined && page.nextCursor === undefined && request.count > 0;
    return complete ? { total: shown } : {};
  };
  /** `_summary=count` of Subscriptions: every match walked, those the token sees counted. */
  const countVisible = async (inner: FhirRepository, request: SearchRequest): Promise<number> => {
    let total = 0;
    let cursor: string | undefined;
    do {
      const page = await inner.search({ ...request, count: MAX_COUNT, total: 'none', cursor, include: [], revinclude: [] });
      total += (await keepVisible(page.items, ofResource)).kept.length;
      cursor = page.nextCursor;
    } while (cursor !== undefined);
    return total;
  };

  const wrap = (inner: FhirRepository): FhirRepository => ({
    ...forwardTo(inner),
    read: async (type, id, options) => hideOne(await inner.read(type, id, options)),
    vread: async (type, id, vid, options) => hideOne(await inner.vread(type, id, vid, options), vid),
    history: async (q) => {
      if (q.type !== undefined && q.id !== undefined) await requireOwner(q.type, q.id);
      const page = await inner.history(q);
      const { kept, hid } = await keepVisible(page.items, (v) => ({ type: v.type, id: v.id }));
      const { total, ...rest } = page;
      return { ...rest, items: kept, ...(hid || total === undefined ? {} : { total }) };
    },
    search: async (request) => {
      if (counted) refuseChainsIntoSubscription(request);
      if (counted && request.type === TYPE && request.count === 0 && request.total === 'accurate')
        return { items: [], total: await countVisible(inner, request) };
      const page = await inner.search(request);
      const items = await keepVisible(page.items, ofResource);
      const included = await keepVisible(page.included ?? [], ofResource);
      const { total: _counted, ...rest } = page;
      return {
        ...rest,
        items: items.kept,
        ...(page.included ? { included: included.kept } : {}),
        ...totalOf(request, page, items.kept.length, items.hid || included.hid),
      };
    },
    lastn: (request, max) => {
      if (counted) refuseChainsIntoSubscription(request);
      return inner.lastn(request, max);
    },
    stats: (query) => {
      if (counted) refuseChainsIntoSubscription(query.request);
      return inner.stats(query);
    },
    readForUpdate: async (type, id) => {
      const current = await inner.readForUpdate(type, id);
      if (current) await requireOwner(type, id);
      return current;
    },
    transaction: (fn) => inner.transaction((tx) => fn(wrap(tx))),
    write: async (resource, previous, method) => {
      if (previous) await requireOwner(previous.type, previous.id);
      return inner.write(resource, previous, method);
    },
    remove: async (previous) => {
      await requireOwner(previous.type, previous.id);
      return inner.remove(previous);
    },
  });
  return wrap(repo);
}
