// The SMART authorization server: oidc-provider mounted at /auth with its state in Redis, keys, clients
// and users in MySQL, our login/consent pages, the admin API and a TokenVerifier for the resource server.
import express, { type Request, type Response } from 'express';
import type { Redis } from 'ioredis';
import { markUnavailable, unavailableResponses } from './unavailable-responses.js';
import type { Pool } from 'mysql2/promise';
import Provider from 'oidc-provider';
import type { FhirContext } from '../fhir/fhir-context.js';
import type { TokenVerifier } from './access-context.js';
import { adminRouter } from './admin-api.js';
import { BrowserSessions } from './browser-session.js';
import { ClientStore, presentedClientSecret, type ClientRegistration } from './client-store.js';
import { ConsentStore } from './consent-store.js';
import { FhirLookup } from './fhir-lookup.js';
import { revokeGrants } from './grant-revocation.js';
import { grantsRouter } from './grants-router.js';
import { interactionRouter } from './interactions.js';
import { LaunchStore } from './launch-store.js';
import { LoginThrottle } from './login-throttle.js';
import { GRANT_TTL, providerConfiguration } from './provider-config.js';
import { DEFAULT_PROVIDER_FETCH_LIMITS, type ProviderFetchLimits } from './provider-fetch-limits.js';
import { SigningKeyStore } from './signing-keys.js';
import { authEndpoints, SMART_STYLE } from './smart-configuration.js';
import { splitScope } from './smart-scopes.js';
import { smartResponses } from './token-response.js';
import { createTokenVerifier } from './token-verifier.js';
import { listenForRevocations } from './token-revocations.js';
import { cachingVerifier } from './token-cache.js';
import { UserStore } from './user-store.js';

export interface AuthorizationServerOptions {
  /** Public URL (BASE_URL); the issuer is `${baseUrl}/auth`, the token audience `${baseUrl}/fhir`. */
  baseUrl: string;
  pool: Pool;
  redis: Redis;
  /** Prefix of every Redis key the authorization server writes. */
  redisPrefix: string;
  fhir: FhirContext;
  /** Bearer token of the admin API; the API is off without it. */
  adminToken?: string;
  /** Hosts whose private or loopback addresses may serve client JWKS (oidc-provider blocks them otherwise). */
  jwksFetchAllowHosts?: string[];
  /** Bounds of oidc-provider's outbound calls (default DEFAULT_PROVIDER_FETCH_LIMITS). */
  fetchLimits?: ProviderFetchLimits;
  /** How often to look for a changed key set (default KEY_CHECK_INTERVAL_MS). */
  keyCheckIntervalMs?: number;
  /** TOKEN_CACHE_MS: how long a verified access token is taken as valid without a new lookup (0: never). */
  tokenCacheMs?: number;
}

/** A key rotated or retired elsewhere (another node, the CLI) is in use here within this time. */
export const KEY_CHECK_INTERVAL_MS = 30_000;

export interface AuthorizationServer {
  /** Mount at /auth. */
  router: express.Router;
  /** The first oidc-provider instance: its events are those of every instance built since (they feed the audit log). */
  provider: Provider;
  /**
   * Rebuilds the provider when the published key set changed (rotated or retired on any node or with the CLI);
   * true when it did. Runs every KEY_CHECK_INTERVAL_MS and right after the admin API changes keys.
   */
  reloadKeys(): Promise<boolean>;
  verifier: TokenVerifier;
  clients: { allowedOrigins(): Promise<Set<string>> };
  /** Mints EHR launch ids (the /ehr simulator). */
  launches: LaunchStore;
  users: UserStore;
  /** The sign-in lockout, shared by every sign-in form (the EHR simulator's too). */
  throttle: LoginThrottle;
  clientStore: ClientStore;
  lookup: FhirLookup;
  /** What each user allowed each app (remembered consent). */
  consents: ConsentStore;
  close(): Promise<void>;
}

/** Our own SMART app (smart-app/), seeded at every start. */
export function providerAppRegistration(baseUrl: string): ClientRegistration & { clientId: string; auth: 'none' } {
  return {
    clientId: 'fibrotrack-provider-app',
    name: 'FibroTrack provider app',
    auth: 'none',
    redirectUris: [`${baseUrl}/app/index.html`],
    launchUrl: `${baseUrl}/app/launch.html`,
    scope:
      'launch launch/patient openid fhirUser offline_access online_access user/*.cruds patient/*.cruds user/*.rs patient/*.rs user/*.read patient/*.read',
  };
}

export async function createAuthorizationServer(opts: AuthorizationServerOptions): Promise<AuthorizationServer> {
  const fhirBase = `${opts.baseUrl}/fhir`;
  const endpoints = authEndpoints(opts.baseUrl);
  const keys = new SigningKeyStore(opts.pool);
  await keys.ensure();
  const clientStore = new ClientStore(opts.pool);
  await clientStore.seed(providerAppRegistration(opts.baseUrl));
  const users = new UserStore(opts.pool);
  const launches = new LaunchStore(opts.redis, opts.redisPrefix);
  const lookup = new FhirLookup(opts.fhir);

  // oidc-provider fixes its keys when constructed: a changed key set (rotate, retire, from any node or the
  // CLI) is picked up by building a new instance. State lives in Redis and MySQL, so nothing is lost; every
  // instance's events are re-emitted on the first one (`hub`), which the audit log and our logging listen to.
  const build = async (): Promise<Provider> => {
    const p = new Provider(
      endpoints.issuer,
      providerConfiguration({
        fhirBase,
        redis: opts.redis,
        redisPrefix: opts.redisPrefix,
        clients: clientStore,
        users,
        launches,
        jwks: await keys.publishedJwks(),
        cookieKeys: await keys.cookieKeys(),
        jwksFetchAllowHosts: opts.jwksFetchAllowHosts ?? [],
        fetchLimits: opts.fetchLimits ?? DEFAULT_PROVIDER_FETCH_LIMITS,
      }),
    );
    // URLs oidc-provider builds (issuer-relative endpoints, assertion audiences) come from BASE_URL, set below.
    p.proxy = true;
    p.use(smartResponses(endpoints.style));
    p.use(unavailableResponses());
    return p;
  };
  let fingerprint = await keys.fingerprint();
  const hub = await build();
  let live = { provider: hub, callback: hub.callback() };
  // oidc-provider answers its own failures with a bare server_error: log them, they are bugs.
  // Redis or the database being down is no bug: those become 503s (unavailable-responses.ts), logged in one line.
  hub.on('server_error', (ctx, err) => {
    if (markUnavailable(ctx, err)) console.error(`authorization server: ${err.message}`);
    else console.error('authorization server error', err);
  });
  const reload = async (): Promise<boolean> => {
    const now = await keys.fingerprint();
    if (now === fingerprint) return false;
    const next = await build();
    const ownEmit = next.emit.bind(next);
    // Koa's own 'error' stays on the instance (it logs unhandled errors); oidc-provider's events go to the hub.
    next.emit = (event: string | symbol, ...args: unknown[]) => (event === 'error' ? ownEmit(event, ...args) : hub.emit(event, ...args));
    live = { provider: next, callback: next.callback() };
    fingerprint = now;
    return true;
  };
  // One reload at a time, each reading the key set when it starts (one asked for during another still runs).
  let queue: Promise<unknown> = Promise.resolve();
  const reloadKeys = (): Promise<boolean> => {
    const run = queue.then(reload, reload);
    queue = run.catch(() => undefined);
    return run;
  };
  const keyCheck = setInterval(() => {
    reloadKeys().catch((err) => console.error('authorization server: could not reload the signing keys', err));
  }, opts.keyCheckIntervalMs ?? KEY_CHECK_INTERVAL_MS);
  keyCheck.unref();
  const current = () => live.provider;

  const router = express.Router();
  router.get('/smart-style.json', (_req, res) => {
    res.set('Access-Control-Allow-Origin', '*').json(SMART_STYLE);
  });
  const throttle = new LoginThrottle(opts.redis, opts.redisPrefix);
  const consents = new ConsentStore(opts.redis, opts.redisPrefix, GRANT_TTL);
  router.use(
    '/interaction',
    interactionRouter({ provider: current, fhirBase, users, launches, lookup, grantTtlSeconds: GRANT_TTL, throttle, consents }),
  );
  router.use(
    '/grants',
    grantsRouter({
      baseUrl: opts.baseUrl,
      users,
      throttle,
      consents,
      clients: clientStore,
      lookup,
      sessions: new BrowserSessions(opts.redis, opts.redisPrefix, opts.baseUrl, {
        cookie: 'grants_session',
        path: '/auth/grants',
        keyName: 'grantssession',
      }),
      // Said on the hub as oidc-provider says its own revocations: the audit log and Subscriptions hear of it.
      revoke: async (grantIds, who) => {
        await revokeGrants(opts.redis, opts.redisPrefix, grantIds);
        const ctx = {
          ...(who.address ? { ip: who.address } : {}),
          oidc: { client: { clientId: who.clientId }, account: { accountId: who.accountId } },
        };
        for (const grantId of grantIds) hub.emit('grant.revoked', ctx, grantId);
      },
    }),
  );
  router.use('/admin', adminRouter({ adminToken: opts.adminToken, clients: clientStore, keys, keysChanged: reloadKeys }));

  const publicUrl = new URL(opts.baseUrl);
  // authorize-post: oidc-provider takes POST only with SameSite=None session cookies, which browsers drop
  // over plain http. The form POST is answered with a 303 to the same request as GET: a top-level navigation
  // that carries our SameSite=Lax session, whatever site the form was on.
  router.post('/authorize', express.urlencoded({ extended: false, limit: '64kb' }), (req, res) => {
    const params = new URLSearchParams();
    for (const [name, value] of Object.entries((req.body ?? {}) as Record<string, string | string[]>)) {
      for (const v of Array.isArray(value) ? value : [value]) params.append(name, v);
    }
    res.redirect(303, `${endpoints.authorize}?${params}`);
  });
  router.use((req: Request, res: Response) => {
    req.headers['x-forwarded-host'] = publicUrl.host;
    req.headers['x-forwarded-proto'] = publicUrl.protocol.replace(':', '');
    if (req.path === '/authorize') keepOfflineAccess(req);
    // oidc-provider's (Koa's) callback answers its own errors: the promise it returns settles without rejecting.
    void presentedClientSecret.run(basicCredentials(req), () => live.callback(req, res));
  });

  // Every revocation on this node empties the cache at once; other nodes and the CLI announce theirs through Redis.
  const verifier = cachingVerifier(createTokenVerifier(current, fhirBase), opts.tokenCacheMs ?? 0);
  hub.on('grant.revoked', () => verifier.clear());
  hub.on('access_token.destroyed', () => verifier.clear());
  hub.on('client_credentials.destroyed', () => verifier.clear());
  const stopListening =
    (opts.tokenCacheMs ?? 0) > 0 ? listenForRevocations(opts.redis, opts.redisPrefix, () => verifier.clear()) : undefined;

  return {
    router,
    provider: hub,
    reloadKeys,
    verifier,
    clients: { allowedOrigins: () => clientStore.allowedOrigins() },
    launches,
    users,
    throttle,
    clientStore,
    lookup,
    consents,
    close: async () => {
      clearInterval(keyCheck);
      await stopListening?.();
    },
  };
}

/**
 * oidc-provider drops offline_access unless prompt=consent. Every authorization goes through our consent step (which
 * passes without a page when the user allowed it all before), so say so. (prompt=none is left alone: it must fail
 * rather than show a page.)
 */
function keepOfflineAccess(req: Request): void {
  const url = new URL(req.url, 'http://local');
  const prompt = splitScope(url.searchParams.get('prompt') ?? undefined);
  if (
    splitScope(url.searchParams.get('scope') ?? undefined).includes('offline_access') &&
    !prompt.includes('consent') &&
    !prompt.includes('none')
  ) {
    url.searchParams.set('prompt', [...prompt, 'consent'].join(' '));
    req.url = `${url.pathname}${url.search}`;
  }
}

/** HTTP Basic client credentials (RFC 6749 2.3.1: form-encoded inside Basic). */
function basicCredentials(req: Request): { clientId: string; secret: string } | undefined {
  const header = req.headers.authorization;
  if (!header?.startsWith('Basic ')) return undefined;
  const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  try {
    const unform = (s: string) => decodeURIComponent(s.replace(/\+/g, ' '));
    return { clientId: unform(decoded.slice(0, colon)), secret: unform(decoded.slice(colon + 1)) };
  } catch {
    return undefined;
  }
}
