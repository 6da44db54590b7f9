// Writes of Subscription resources as one request makes them: the resource is checked (subscription-spec.ts,
// endpoint-rules.ts), the requesting token must be allowed to read the criteria's type (403 otherwise), its
// status becomes `requested` (or stays `off`), and the token's grant is stored with it: what it delivers is
// judged against that grant (grant.ts). Another client's Subscription cannot be changed or deleted (403).
import type { Resource, Subscription } from 'fhir/r4.js';
import type { Pool, RowDataPacket } from 'mysql2/promise';
import type { AccessContext } from '../auth/access-context.js';
import type { ResourceFacts } from '../auth/resource-server/resource-facts.js';
import { forbidden } from '../auth/resource-server/outcomes.js';
import { unprocessable } from '../core/outcomes.js';
import type { Definitions } from '../definitions/r4-definitions.js';
import type { FhirRepository, ResourceVersion, WriteMethod } from '../store/repository.js';
import type { Sql } from '../store/sql.js';
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

  const wrap = (inner: FhirRepository): FhirRepository => {
    const wrapped: FhirRepository = {
      read: (type, id) => inner.read(type, id),
      vread: (type, id, vid) => inner.vread(type, id, vid),
      history: (q) => inner.history(q),
      search: (request) => inner.search(request),
      lastn: (request, max) => inner.lastn(request, max),
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
    const problem = await endpointProblem(spec.endpoint, deps.allowLoopback);
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
