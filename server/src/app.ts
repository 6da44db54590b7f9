// buildApp(config): opens and migrates the database, wires HTTP to the FHIR layer. Never listens.
import express, { type Express } from 'express';
import { Redis } from 'ioredis';
import type { TokenVerifier } from './auth/access-context.js';
import { createAuthorizationServer, type AuthorizationServer } from './auth/authorization-server.js';
import { redisRateLimiter } from './auth/resource-server/rate-limit.js';
import { createResourceServer, type ResourceServer } from './auth/resource-server/resource-server.js';
import { AuditLog } from './audit/audit-log.js';
import { auditProviderEvents } from './audit/provider-events.js';
import { auditSignIns } from './audit/sign-in-audit.js';
import { authEndpoints, smartConfigurationHandler } from './auth/smart-configuration.js';
import { ehrSimulator } from './ehr/ehr-simulator.js';
import { appHosting } from './app-hosting/app-hosting.js';
import { loadR4Definitions, type Definitions } from './definitions/r4-definitions.js';
import type { FhirContext } from './fhir/fhir-context.js';
import { errorHandler, notFoundHandler } from './http/error-handler.js';
import { fhirHandler } from './http/fhir-handler.js';
import { createResourceIndexer } from './indexing/resource-indexer.js';
import { searchFacts } from './search/search-facts.js';
import { openPool, poolOptions, writeCapabilities } from './store/mysql/connect.js';
import { PkAllocator } from './store/mysql/pk-allocator.js';
import { migrate } from './store/mysql/migrate.js';
import { MysqlRepository } from './store/mysql/mysql-repository.js';
import { createResourceValidator } from './validation/resource-validator.js';
import { createConformanceRegistry } from './validation/conformance-registry.js';
import { createProfileSupport } from './validation/profile-policy.js';
import { readConformanceFiles } from './conformance/conformance-files.js';
import { implementationGuideUrls, storeConformance } from './conformance/load-conformance.js';
import { conformanceRoutes } from './conformance/conformance-routes.js';
import { createTerminology } from './terminology/terminology.js';
import { createWearableServices } from './wearables/wearable-services.js';
import { fitbitCallbackRouter } from './wearables/fitbit/fitbit-callback.js';
import type { Config } from './config.js';

export interface BuiltApp {
  app: Express;
  ctx: FhirContext;
  /** AUTH_MODE=smart: checks bearer tokens (for the resource server). */
  verifier?: TokenVerifier;
  /** AUTH_MODE=smart: the authorization server mounted at /auth. */
  auth?: AuthorizationServer;
  /** AUTH_MODE=smart: the Redis connection (authorization state; keys start with config.redisPrefix). */
  redis?: Redis;
  close(): Promise<void>;
}

let definitions: Definitions | undefined;

/** The base definitions are immutable and take half a second to load: one copy per process. */
export function r4Definitions(): Definitions {
  return (definitions ??= loadR4Definitions());
}

export async function buildApp(config: Config): Promise<BuiltApp> {
  const defs = r4Definitions();
  const pool = await openPool(config.databaseUrl, config.dbPoolSize);
  await migrate(pool);
  const fhirBase = `${config.baseUrl}/fhir`;
  const indexer = createResourceIndexer(defs, fhirBase);
  const pkAllocator = await PkAllocator.open(poolOptions(config.databaseUrl, 1));
  const facts = searchFacts(defs);
  const repo = new MysqlRepository(pool, indexer, () => ({ baseUrl: fhirBase, now: Date.now(), ...facts }), pkAllocator, await writeCapabilities(pool));
  // The FibroTrack profiles, value sets and package (profiles/generated): validated against, stored, served.
  const conformance = readConformanceFiles(config.profilesDir);
  const registry = createConformanceRegistry(defs);
  registry.add(conformance.resources);
  const validator = createResourceValidator(defs, registry);
  const terminology = createTerminology(repo, defs, fhirBase);
  const ctx: FhirContext = { repo, defs, baseUrl: fhirBase, validate: (r, t) => validator.validate(r, t, { errorsOnly: true }), terminology };
  ctx.profiles = createProfileSupport(validator, config.requireProfiles, implementationGuideUrls(conformance));
  await storeConformance(ctx, conformance, { warn: (msg) => console.warn(msg) });

  const wearables = createWearableServices(ctx, pool, config.wearables);

  let redis: Redis | undefined;
  let auth: AuthorizationServer | undefined;
  let audit: AuditLog | undefined;
  let resourceServer: ResourceServer | undefined;
  if (config.authMode === 'smart') {
    redis = new Redis(config.redisUrl, { maxRetriesPerRequest: 3 });
    auth = await createAuthorizationServer({
      baseUrl: config.baseUrl,
      pool,
      redis,
      redisPrefix: config.redisPrefix,
      fhir: ctx,
      ...(config.adminToken ? { adminToken: config.adminToken } : {}),
      jwksFetchAllowHosts: config.jwksFetchAllowHosts,
    });
    ctx.oauthUris = authEndpoints(config.baseUrl);
    audit = new AuditLog(repo);
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

  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  if (auth) {
    app.get('/fhir/.well-known/smart-configuration', smartConfigurationHandler(config.baseUrl));
    // Sign-in attempts, failed ones included (oidc-provider has no event for a wrong password).
    if (audit) app.post('/auth/interaction/:uid/login', auditSignIns(audit));
    app.use('/auth', auth.router);
    app.use('/ehr', ehrSimulator({ fhirBase, users: auth.users, clients: auth.clientStore, launches: auth.launches, lookup: auth.lookup }));
  }
  // AUTH_MODE=smart: CORS, audit, bearer token and rate limit before the FHIR API; the policy inside it.
  if (resourceServer) app.use('/fhir', ...resourceServer.before);
  app.use('/fhir', fhirHandler(ctx, { maxBodyBytes: config.maxBodyBytes, contextFor: resourceServer?.contextFor }));
  if (resourceServer) app.use('/fhir', resourceServer.after);
  // The provider SMART app: static files, public in every AUTH_MODE (it holds no data; the API checks tokens).
  app.use('/app', appHosting(config.baseUrl));
  // Fitbit's OAuth redirect lands here (a browser, no FHIR client): authenticated by its single-use state.
  app.use('/wearables', fitbitCallbackRouter(wearables));
  // GET /ig/package.tgz and canonical URLs of the FibroTrack conformance resources (redirects into /fhir).
  app.use(conformanceRoutes(fhirBase, conformance.resources, conformance.packagePath));
  app.use(notFoundHandler);
  app.use(errorHandler(fhirBase, { error: (msg, err) => console.error(msg, err) }));
  const close = async () => {
    await wearables.close();
    await auth?.close();
    // Queued AuditEvents are written before the database closes: a normal shutdown loses none.
    await audit?.close();
    await redis?.quit();
    await repo.close();
  };
  return { app, ctx, ...(auth ? { auth, verifier: auth.verifier, redis } : {}), close };
}
