// Writes of Subscription resources as one request makes them: the resource is checked (subscription-spec.ts,
// endpoint-rules.ts), the requesting token must be allowed to read the criteria's type (403 otherwise), its
// status becomes `requested` (or stays `off`), and the token's grant is stored with it: what it delivers is
// judged against that grant (grant.ts). Another client's Subscription cannot be changed or deleted (403), nor
// read: its criteria name patients and its channel headers may carry the receiver's secret, so under SMART a
// Subscription is visible only to the client that created it and to system/ tokens without a patient (404 to others,
// left out of searches and histories).
import type { Resource, Subscription } from 'fhir/r4.js';
import type { Pool, RowDataPacket } from 'mysql2/promise';
import type { AccessContext } from '../auth/access-context.js';
import type { ResourceFacts } from '../auth/resource-server/resource-facts.js';
import { forbidden } from '../auth/resource-server/outcomes.js';
import { notFound, unprocessable, versionNotFound } from '../core/outcomes.js';
import type { Definitions } from '../definitions/r4-definitions.js';
import type { FhirRepository, Page, ResourceVersion, WriteMethod } from '../store/repository.js';
import { sql, type Sql } from '../store/sql.js';
import { endpointProblem } from './endpoint-rules.js';
import { grantOf, parseGrant, policyOf } from './grant.js';
import { readSpec } from './subscription-spec.js';
import { grantRow, saveGrant } from './subscription-table.js';
import type { Topics } from './topics.js';

export interface SubscriptionWriteDeps {
  pool: Pool;
  defs: Definitions;
  facts: ResourceFacts;
  allowLoopback: boolean;
  topics: Topics;
}

export function subscriptionWrites(repo: FhirRepository, access: AccessContext | undefined, deps: SubscriptionWriteDeps): FhirRepository {
  const query = async <T extends RowDataPacket[]>(q: Sql) => (await deps.pool.query<T>(q.text, q.values as unknown[]))[0];

  const requireOwner = async (id: string) => {
    if (!access) return;
    const [row] = await query<RowDataPacket[]>(grantRow(id));
    const grant = parseGrant(row?.grant_json ?? null);
    if (grant && 'access' in grant && grant.access.clientId !== access.clientId) {
      throw forbidden(`Subscription/${id} belongs to another client; only the client that created it may change or delete it`);
    }
  };

  // system/ scopes reaching Subscription, with no patient in context, see every client's Subscriptions.
  const seesAll = !access || (!access.patient && access.scopes.some((s) => /^system\/(Subscription|\*)\./.test(s)));
  /** The ids among `ids` that this token may see (created by its client). */
  const visible = async (ids: string[]): Promise<Set<string>> => {
    if (seesAll || ids.length === 0) return new Set(ids);
    const rows = await query<RowDataPacket[]>(sql`SELECT id, grant_json FROM subscription WHERE id IN (${ids})`);
    const mine = rows.filter((r) => {
      const grant = parseGrant(r.grant_json ?? null);
      return grant !== undefined && 'access' in grant && grant.access.clientId === access!.clientId;
    });
    return new Set(mine.map((r) => String(r.id)));
  };
  /** A hidden Subscription answers exactly as an id (or version) never stored. */
  const hideOne = async (version: ResourceVersion | undefined, vid?: string): Promise<ResourceVersion | undefined> => {
    if (version?.type !== 'Subscription' || (await visible([version.id])).has(version.id)) return version;
    throw vid === undefined ? notFound(version.type, version.id) : versionNotFound(version.type, version.id, vid);
  };
  const keepVisible = async <T>(items: T[], typeId: (item: T) => { type: string; id?: string }): Promise<{ kept: T[]; hid: boolean }> => {
    const ids = items.map(typeId).filter((t) => t.type === 'Subscription' && t.id).map((t) => t.id!);
    if (ids.length === 0) return { kept: items, hid: false };
    const seen = await visible([...new Set(ids)]);
    const kept = items.filter((item) => {
      const t = typeId(item);
      return t.type !== 'Subscription' || (t.id !== undefined && seen.has(t.id));
    });
    return { kept, hid: kept.length < items.length };
  };
  const filterPage = async (page: Page<Resource>): Promise<Page<Resource>> => {
    const items = await keepVisible(page.items, (r) => ({ type: r.resourceType, id: r.id }));
    const included = await keepVisible(page.included ?? [], (r) => ({ type: r.resourceType, id: r.id }));
    // A total counted over what this token may not see would tell how many there are.
    const { total, ...rest } = page;
    return { ...rest, items: items.kept, ...(page.included ? { included: included.kept } : {}), ...(items.hid || included.hid || total === undefined ? {} : { total }) };
  };

  const wrap = (inner: FhirRepository): FhirRepository => {
    const wrapped: FhirRepository = {
      read: async (type, id, options) => hideOne(await inner.read(type, id, options)),
      vread: async (type, id, vid, options) => hideOne(await inner.vread(type, id, vid, options), vid),
      history: async (q) => {
        // Instance history of a hidden Subscription is 404, as for an id never stored.
        if (q.type === 'Subscription' && q.id && !(await visible([q.id])).has(q.id)) throw notFound(q.type, q.id);
        const page = await inner.history(q);
        const { kept, hid } = await keepVisible(page.items, (v) => ({ type: v.type, id: v.id }));
        const { total, ...rest } = page;
        return { ...rest, items: kept, ...(hid || total === undefined ? {} : { total }) };
      },
      search: async (request) => filterPage(await inner.search(request)),
      everything: (q) => inner.everything(q),
      lastn: (request, max) => inner.lastn(request, max),
      stats: (query) => inner.stats(query),
      storedIdentifiers: (type, param, target, system, values) => inner.storedIdentifiers(type, param, target, system, values),
      readForUpdate: (type, id) => inner.readForUpdate(type, id),
      lock: (key) => inner.lock(key),
      withLock: (key, fn) => inner.withLock(key, fn),
      close: () => inner.close(),
      transaction: (fn) => inner.transaction((tx) => fn(wrap(tx))),
      write: (resource, previous, method) => write(inner, resource, previous, method),
      remove: async (previous: ResourceVersion) => {
        if (previous.type === 'Subscription') await requireOwner(previous.id);
        return inner.remove(previous);
      },
    };
    return wrapped;
  };

  const write = async (inner: FhirRepository, resource: Resource, previous: ResourceVersion | undefined, method: WriteMethod) => {
    if (resource.resourceType !== 'Subscription') return inner.write(resource, previous, method);
    const sub = resource as Subscription;
    const spec = readSpec(sub, deps.defs, deps.topics);
    if (access) policyOf(access, deps.facts, deps.defs).requireLetter(spec.type, ['r']);
    const problem = spec.channel === 'rest-hook' ? await endpointProblem(spec.endpoint, deps.allowLoopback, { resolve: false }) : undefined;
    if (problem) throw unprocessable(`Subscription.channel.endpoint refused: ${problem}`, 'Subscription.channel.endpoint');
    if (previous) await requireOwner(previous.id);
    const next: Subscription = { ...sub, status: sub.status === 'off' ? 'off' : 'requested' };
    delete next.error;
    // Stored before the write commits; a write that then fails leaves a grant no Subscription uses.
    await query(saveGrant(sub.id!, JSON.stringify(grantOf(access))));
    return inner.write(next, previous, method);
  };
  return wrap(repo);
}
