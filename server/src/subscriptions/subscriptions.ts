// Wires FHIR Subscriptions into the server: the outbox hook on every write transaction, the per-request wrapper
// of Subscription writes, and the delivery loop (started by `serve`, stopped on close).
import type { Subscription } from 'fhir/r4.js';
import type { Pool } from 'mysql2/promise';
import type { AccessContext } from '../auth/access-context.js';
import { createResourceFacts } from '../auth/resource-server/resource-facts.js';
import type { FhirContext } from '../fhir/fhir-context.js';
import type { ResourceIndexer } from '../indexing/resource-indexer.js';
import type { MysqlRepository } from '../store/mysql/mysql-repository.js';
import { stopSubscriptionsOf, type AuthorizationState } from './authorization-ended.js';
import { DeliveryLoop } from './delivery-loop.js';
import { grantChecker, type GrantCheck } from './grant.js';
import { criteriaMatcher } from './matcher.js';
import { outboxHook } from './outbox.js';
import { activeSubscriptions } from './active-subscriptions.js';
import { trendConditions } from './trends/trend-conditions.js';
import { subscriptionEvents } from './subscription-events.js';
import { subscriptionRoutes } from './operations/subscription-routes.js';
import type { Route } from '../fhir/routes.js';
import type { BindingTokenIssuer } from './websocket/websocket-service.js';
import { subscriptionWrites } from './subscription-writes.js';
import { ownSubscriptions } from './own-subscriptions.js';
import { subscriptionsVisibleTo } from './visibility.js';
import type { SubscriptionsConfig } from './subscriptions-config.js';
import { criteriaOf } from './subscription-spec.js';
import type { Topics } from './topics.js';
import { loggableError } from '../audit/loggable.js';

export interface SubscriptionServices {
  loop: DeliveryLoop;
  /** The context of one request, whose Subscription writes carry its token's grant (undefined: AUTH_MODE=open). */
  contextFor(ctx: FhirContext, access: AccessContext | undefined): FhirContext;
  /**
   * AUTH_MODE=smart: Subscriptions stop when the authorization that created them ends. `events` is the
   * authorization server's oidc-provider (grant and token revocations), `state` what it knows of grants and clients.
   */
  watchAuthorization(events: AuthorizationEvents, state: AuthorizationState): void;
  /** Whether a stored grant may read a resource (the one access policy), for the websocket channel's sockets. */
  grantAllows: GrantCheck;
  /** `$status`, `$events`, `$get-ws-binding-token`: fhir-services.ts registers them into the route table. */
  routes: Route[];
  /** The websocket channel, set by app.ts once it runs one: binding tokens, and its URL in /metadata. */
  useWebsocket(websocket: BindingTokenIssuer & { url: string }): void;
}

/** The oidc-provider events read here: https://github.com/panva/node-oidc-provider/blob/main/docs/events.md */
export interface AuthorizationEvents {
  on(event: 'grant.revoked', listener: (ctx: unknown, grantId: string) => void): unknown;
  on(event: 'client_credentials.destroyed', listener: (token: { jti: string }) => void): unknown;
}

export interface SubscriptionDeps {
  pool: Pool;
  /** The delivery loop's own pool (SUBSCRIPTION_DB_POOL_SIZE), closed with the loop. */
  deliveryPool: Pool;
  stored: MysqlRepository;
  ctx: FhirContext;
  indexer: ResourceIndexer;
  config: SubscriptionsConfig;
  /** The topics the FibroTrack IG publishes (topics.ts). */
  topics: Topics;
}

export function createSubscriptions({ pool, deliveryPool, stored, ctx, indexer, config, topics }: SubscriptionDeps): SubscriptionServices {
  const facts = createResourceFacts(ctx.defs, ctx.baseUrl, indexer);
  const capability = { topics: [...topics.keys()] as string[], websocketUrl: undefined as string | undefined };
  ctx.subscriptions = capability;
  let websocket: BindingTokenIssuer | undefined;
  const loop = new DeliveryLoop({ pool: deliveryPool, repo: ctx.repo, defs: ctx.defs, fhirBase: ctx.baseUrl, config, topics });
  const criteria = (sub: Subscription) => criteriaOf(sub, ctx.defs, topics);
  const grantAllows = grantChecker(facts, ctx.defs);
  stored.onCommit(
    outboxHook({
      matches: criteriaMatcher(ctx.defs, ctx.terminology),
      grantAllows,
      criteriaOf: criteria,
      conditions: trendConditions(ctx.defs),
      active: activeSubscriptions(ctx.defs, ctx.baseUrl),
      index: (resource) => indexer.index(resource),
      wake: () => loop.recorded(),
      fhirBase: ctx.baseUrl,
    }),
  );
  const writeDeps = { pool, defs: ctx.defs, facts, allowLoopback: config.allowLoopback, topics };
  return {
    loop,
    grantAllows,
    routes: subscriptionRoutes({ events: subscriptionEvents(pool), websocket: () => websocket }),
    useWebsocket(channel) {
      websocket = channel;
      capability.websocketUrl = channel.url;
    },
    // Visibility outermost: another user's Subscription is refused before its write would store a grant.
    contextFor: (requestCtx, access) => ({
      ...requestCtx,
      repo: ownSubscriptions(
        subscriptionWrites(requestCtx.repo, access, writeDeps),
        subscriptionsVisibleTo(pool, access),
        access !== undefined,
      ),
    }),
    watchAuthorization(events, state) {
      loop.authorization = state;
      const stop = (ended: Parameters<typeof stopSubscriptionsOf>[2], why: string) => {
        stopSubscriptionsOf(pool, ctx.repo, ended, `delivery stopped: ${why}`).catch((err) =>
          console.error('Subscriptions: could not stop those of an ended authorization (delivery checks again)', loggableError(err)),
        );
      };
      events.on('grant.revoked', (_ctx, grantId) => stop({ grantId }, 'the authorization (grant) that created it was revoked'));
      events.on('client_credentials.destroyed', (token) => stop({ tokenId: token.jti }, 'the access token that created it was revoked'));
    },
  };
}
