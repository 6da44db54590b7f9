// Writes of Subscription resources as one request makes them: the resource is checked (subscription-spec.ts,
// endpoint-rules.ts), the requesting token must be allowed to read the criteria's type (403 otherwise), its
// status becomes `requested` (or stays `off`), and the token's grant is stored with it: what it delivers is
// judged against that grant (grant.ts), and whose it is (visibility.ts; own-subscriptions.ts, which wraps this
// one, refuses another user's Subscription before its grant could be replaced here).
import type { Resource, Subscription } from 'fhir/r4.js';
import type { Pool, RowDataPacket } from 'mysql2/promise';
import type { AccessContext } from '../auth/access-context.js';
import type { ResourceFacts } from '../auth/resource-server/resource-facts.js';
import { unprocessable } from '../core/outcomes.js';
import type { Definitions } from '../definitions/r4-definitions.js';
import { forwardTo } from '../store/forwarding-repository.js';
import type { FhirRepository, ResourceVersion, WriteMethod } from '../store/repository.js';
import type { Sql } from '../store/sql.js';
import { endpointProblem } from './endpoint-rules.js';
import { grantOf, policyOf } from './grant.js';
import { readSpec } from './subscription-spec.js';
import { saveGrant } from './subscription-table.js';
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

  const wrap = (inner: FhirRepository): FhirRepository => ({
    ...forwardTo(inner),
    transaction: (fn) => inner.transaction((tx) => fn(wrap(tx))),
    write: (resource, previous, method) => write(inner, resource, previous, method),
  });

  const write = async (inner: FhirRepository, resource: Resource, previous: ResourceVersion | undefined, method: WriteMethod) => {
    if (resource.resourceType !== 'Subscription') return inner.write(resource, previous, method);
    const sub = resource as Subscription;
    const spec = readSpec(sub, deps.defs, deps.topics);
    if (access) policyOf(access, deps.facts, deps.defs).requireLetter(spec.type, ['r']);
    const problem = spec.channel === 'rest-hook' ? await endpointProblem(spec.endpoint, deps.allowLoopback, { resolve: false }) : undefined;
    if (problem) throw unprocessable(`Subscription.channel.endpoint refused: ${problem}`, 'Subscription.channel.endpoint');
    const next: Subscription = { ...sub, status: sub.status === 'off' ? 'off' : 'requested' };
    delete next.error;
    // Stored before the write commits; a write that then fails leaves a grant no Subscription uses.
    await query(saveGrant(sub.id!, JSON.stringify(grantOf(access))));
    return inner.write(next, previous, method);
  };
  return wrap(repo);
}
