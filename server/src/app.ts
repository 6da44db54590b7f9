// buildApp(config): the FHIR services (fhir-services.ts) behind HTTP, with SMART authorization when AUTH_MODE=smart.
// Never listens.
import express, { type Express } from 'express';
import type { Redis } from 'ioredis';
import type { TokenVerifier } from './auth/access-context.js';
import { createAuthorizationServer, type AuthorizationServer } from './auth/authorization-server.js';
import { openRedis } from './auth/redis-client.js';
import { redisRateLimiter } from './auth/resource-server/rate-limit.js';
import { createResourceServer, type ResourceServer } from './auth/resource-server/resource-server.js';
import { AuditLog } from './audit/audit-log.js';
import { auditProviderEvents } from './audit/provider-events.js';
import { auditSignIns, EHR_SIGN_IN_FAILURES } from './audit/sign-in-audit.js';
import { authEndpoints, smartConfigurationHandler } from './auth/smart-configuration.js';
import { ehrSimulator } from './ehr/ehr-simulator.js';
import { EhrSessions } from './ehr/ehr-session.js';
import { appHosting } from './app-hosting/app-hosting.js';
import type { FhirContext } from './fhir/fhir-context.js';
import { errorHandler, notFoundHandler } from './http/error-handler.js';
import { healthRoutes } from './http/health.js';
import { readSessions } from './http/read-session.js';
import { redisGtidMemory } from './store/mysql/gtid-memory.js';
import type { ReadReplicas } from './store/mysql/read-replicas.js';
import { fhirHandler } from './http/fhir-handler.js';
import { conformanceRoutes } from './conformance/conformance-routes.js';
import { fitbitCallbackRouter } from './wearables/index.js';
import { buildFhirServices, type FhirServices } from './fhir-services.js';
import type { ExportService } from './bulk/export-service.js';
import type { Config } from './config.js';
import type { Pool } from 'mysql2/promise';
import type { DeliveryLoop } from './subscriptions/delivery-loop.js';
import { startWebsocketChannel } from './subscriptions/websocket/websocket-service.js';
import { withoutSubscriptions } from './subscriptions/export-exclusion.js';
import type { UpgradeHandler } from './http/http-server.js';
import { refusedToEveryToken } from './auth/resource-server/authorize-interaction.js';
import { exportAccess } from './auth/resource-server/export-access.js';
import { createResourceFacts } from './auth/resource-server/resource-facts.js';
import { requestId } from './http/request-id.js';
import { createMetrics, type Metrics } from './observability/metrics.js';
import { apiMetricsRouter } from './observability/metrics-endpoint.js';
import { requestLog, type Logger } from './observability/request-log.js';
import { trackRequests, type RequestListener } from './observability/track-requests.js';
import { pendingMigrations } from './store/mysql/migrate.js';

export interface BuiltApp {
  app: Express;
  ctx: FhirContext;
  /** AUTH_MODE=smart: checks bearer tokens (for the resource server). */
  verifier?: TokenVerifier;
  /** AUTH_MODE=smart: the authorization server mounted at /auth. */
  auth?: AuthorizationServer;
  /** AUTH_MODE=smart: the Redis connection (authorization state; keys start with config.redisPrefix). */
  redis?: Redis;
  /** Bulk Data $export jobs (tests drive their poll loop). */
  bulk: ExportService;
  /** Delivers Subscription notifications (started unless SUBSCRIPTION_DELIVERY=false; stopped by close). */
  deliveryLoop: DeliveryLoop;
  /** The HTTP requests' pool (DB_POOL_SIZE); the delivery loop has its own (SUBSCRIPTION_DB_POOL_SIZE). */
  pool: Pool;
  /** Give to the HTTP server (createHttpServer): the Subscriptions websocket channel at `<FHIR base>/ws`. */
  upgrade: UpgradeHandler;
  /** The Prometheus registry behind /metrics (and METRICS_PORT's listener, which `serve` starts). */
  metrics: Metrics;
  /** DATABASE_READ_URLS: the read replicas (where reads went: `stats()`). */
  replicas?: ReadReplicas;
  close: () => Promise<void>;
}

export interface BuildOptions {
  /** Where the JSON request log and errors go (`serve` passes one; without it, no request lines and errors go to the console). */
  logger?: Logger;
}

export async function buildApp(config: Config, opts: BuildOptions = {}): Promise<BuiltApp> {
  const services = await buildFhirServices(config, { validationThreadByDefault: true });
  try {
    return await assembleApp(config, services, opts);
  } catch (err) {
    // Redis unreachable in AUTH_MODE=smart, say: what was opened is closed, so the failed start leaves nothing running.
    await services.close().catch(() => {});
    throw err;
  }
}

async function assembleApp(config: Config, services: FhirServices, opts: BuildOptions): Promise<BuiltApp> {
  const { ctx, pool, indexer, fhirBase, conformance, wearables, subscriptions, replicas } = services;
  const defs = ctx.defs;

  let redis: Redis | undefined;
  let auth: AuthorizationServer | undefined;
  let audit: AuditLog | undefined;
  let resourceServer: ResourceServer | undefined;
  if (config.authMode === 'smart') {
    redis = await openRedis(config.redisUrl, config.redisTimeoutMs, `${config.redisPrefix}server`);
    // Read-your-writes across API nodes: a client's last write position is shared through Redis.
    replicas?.useMemory(redisGtidMemory(redis, config.redisPrefix));
    auth = await createAuthorizationServer({
      baseUrl: config.baseUrl,
      pool,
      redis,
      redisPrefix: config.redisPrefix,
      fhir: ctx,
      ...(config.adminToken ? { adminToken: config.adminToken } : {}),
      jwksFetchAllowHosts: config.jwksFetchAllowHosts,
      fetchLimits: config.authFetchLimits,
      tokenCacheMs: config.tokenCacheMs,
    });
    ctx.capability = { oauthUris: authEndpoints(config.baseUrl), refusedToEveryToken };
    const authServer = auth;
    subscriptions.watchAuthorization(auth.provider, {
      grantExists: async (id) => (await authServer.provider.Grant.find(id)) !== undefined,
      clientExists: async (id) => (await authServer.clientStore.get(id)) !== undefined,
    });
    audit = new AuditLog(ctx.repo);
    auditProviderEvents(auth.provider, audit);
    const clients = auth.clients;
    resourceServer = createResourceServer({
      verifier: auth.verifier,
      defs,
      fhirBase,
      audit,
      indexer,
      rateLimiter: redisRateLimiter(redis, config.redisPrefix, config.rateLimitPerMinute),
      allowedOrigins: () => clients.allowedOrigins(),
    });
  }

  // Exports run under the grant of the token that started them, read by the same access policy (Subscriptions
  // are only their creator's, so never exported under a token).
  services.bulk.start(
    config.authMode === 'smart'
      ? withoutSubscriptions(exportAccess(createResourceFacts(defs, fhirBase, indexer), defs, services.storage))
      : undefined,
  );

  const metrics = createMetrics({ pool, ...(audit ? { auditQueued: () => audit.queued } : {}) });
  const onRequestDone: RequestListener[] = [metrics.observe, ...(opts.logger ? [requestLog(opts.logger)] : [])];

  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(
    requestId,
    trackRequests((name) => defs.isResourceType(name), onRequestDone),
  );
  // First, so that neither authorization nor a dependency being down keeps them from answering.
  app.use(
    healthRoutes(
      {
        database: () => pool.query('SELECT 1'),
        migrations: async () => {
          const pending = await pendingMigrations(pool);
          if (pending.length > 0) throw new Error(`not applied: ${pending.join(', ')}`);
        },
        ...(redis ? { Redis: () => redis.ping() } : {}),
      },
      replicas?.probes(),
    ),
  );
  app.use(apiMetricsRouter(metrics.registry, config.metrics));
  if (auth) {
    app.get('/fhir/.well-known/smart-configuration', smartConfigurationHandler(config.baseUrl));
    // Sign-in attempts, failed ones included (oidc-provider has no event for a wrong password).
    if (audit) app.post(['/auth/interaction/:uid/login', '/auth/grants/login'], auditSignIns(audit));
    app.use('/auth', auth.router);
    // The EHR launch simulator is a development tool: only with EHR_SIMULATOR=true, and only for a signed-in practitioner.
    if (config.ehrSimulator && redis) {
      if (audit) app.post('/ehr/login', auditSignIns(audit, EHR_SIGN_IN_FAILURES));
      const sessions = new EhrSessions(redis, config.redisPrefix, config.baseUrl);
      const { users, clientStore: clients, launches, lookup, throttle } = auth;
      app.use('/ehr', ehrSimulator({ baseUrl: config.baseUrl, fhirBase, users, clients, launches, lookup, throttle, sessions }));
    }
  }
  // AUTH_MODE=smart: CORS, audit, bearer token and rate limit before the FHIR API; the policy inside it.
  if (resourceServer) app.use('/fhir', ...resourceServer.before);
  // With read replicas, whose writes each read must see (after the token is known).
  if (replicas) app.use('/fhir', readSessions());
  // Subscription writes carry the token's grant (subscriptions/); the access policy applies beneath them.
  app.use(
    '/fhir',
    fhirHandler(ctx, {
      maxBodyBytes: config.maxBodyBytes,
      contextFor: (req, base, locals) =>
        subscriptions.contextFor(resourceServer ? resourceServer.contextFor(req, base, locals) : base, req.access),
    }),
  );
  // The websocket channel: sockets on this node, notifications from every node's delivery loop (Redis pub/sub).
  const websocket = await startWebsocketChannel({
    redisUrl: config.redisUrl,
    redisTimeoutMs: config.redisTimeoutMs,
    redisPrefix: config.redisPrefix,
    ...(redis ? { redis } : {}),
    fhirBase,
    open: !resourceServer,
    allows: subscriptions.grantAllows,
    repo: services.ctx.repo,
    pool,
    loop: subscriptions.loop,
    limits: config.subscriptions.websocket,
    bindingTokenTtlSeconds: config.subscriptions.bindingTokenTtlSeconds,
  });
  subscriptions.useWebsocket(websocket);
  if (config.subscriptions.deliver) subscriptions.loop.start();
  if (resourceServer) app.use('/fhir', resourceServer.after);
  // The provider SMART app: static files, public in every AUTH_MODE (it holds no data; the API checks tokens).
  app.use('/app', appHosting(config.baseUrl));
  // Fitbit's OAuth redirect lands here (a browser, no FHIR client): authenticated by its single-use state.
  // Linking and unlinking Fitbit accounts is audited in every AUTH_MODE.
  const linkAudit = wearables.linkAudit;
  app.use(
    '/wearables',
    fitbitCallbackRouter({
      services: wearables,
      audit: linkAudit,
      ...(auth ? { signIn: { users: auth.users, throttle: auth.throttle } } : {}),
    }),
  );
  // GET /ig/package.tgz and canonical URLs of the FibroTrack conformance resources (redirects into /fhir).
  app.use(conformanceRoutes(fhirBase, conformance.resources, conformance.packagePath));
  app.use(notFoundHandler);
  const logger = opts.logger;
  app.use(
    errorHandler(fhirBase, {
      error: logger
        ? (msg, err) => logger.error(err === undefined ? {} : { err }, msg)
        : (msg, err) => (err === undefined ? console.error(msg) : console.error(msg, err)),
    }),
  );
  const close = async () => {
    // The loop first: with the channel gone it would have nothing to publish to.
    await subscriptions.loop.stop();
    await websocket.close();
    await auth?.close();
    // Queued AuditEvents are written before the database closes: a normal shutdown loses none.
    await audit?.close();
    // Redis down at shutdown: nothing to say goodbye to.
    await redis?.quit().catch(() => redis?.disconnect());
    await services.close();
  };
  return {
    app,
    ctx,
    bulk: services.bulk,
    ...(auth ? { auth, verifier: auth.verifier, redis } : {}),
    ...(replicas ? { replicas } : {}),
    deliveryLoop: subscriptions.loop,
    pool,
    upgrade: websocket.handleUpgrade,
    metrics,
    close,
  };
}
