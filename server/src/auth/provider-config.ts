// oidc-provider configuration for SMART App Launch 2.2: which features are on and the SMART rules
// oidc-provider does not know (aud, launch, PKCE for all, scope syntax, launch context in tokens).
// https://hl7.org/fhir/smart-app-launch/app-launch.html
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { errors, type Adapter, type Configuration, type KoaContextWithOIDC } from 'oidc-provider';
import type { ClientStore } from './client-store.js';
import type { LaunchStore } from './launch-store.js';
import { JwksFreshness } from './jwks-freshness.js';
import { boundedProviderFetch } from './provider-fetch.js';
import type { ProviderFetchLimits } from './provider-fetch-limits.js';
import { RedisAdapter } from './redis-adapter.js';
import type { PrivateJwk } from './signing-keys.js';
import { isResourceScope, OIDC_SCOPES, parseClinicalScope, permits, splitScope } from './smart-scopes.js';
import type { UserStore } from './user-store.js';
import { renderErrorPage } from './pages.js';
import { jsonText } from '../core/json-text.js';

export interface ProviderDeps {
  fhirBase: string;
  redis: Redis;
  redisPrefix: string;
  clients: ClientStore;
  users: UserStore;
  launches: LaunchStore;
  jwks: PrivateJwk[];
  cookieKeys: string[];
  jwksFetchAllowHosts: string[];
  /** Bounds of every outbound call (client jwks_uri, sector_identifier_uri). */
  fetchLimits: ProviderFetchLimits;
}

/** SMART requires backend tokens to live at most 5 minutes and user tokens at most an hour. */
export const BACKEND_TOKEN_TTL = 300;
export const USER_TOKEN_TTL = 3600;
/**
 * Refresh tokens and the grants behind them last 92 days (the longest three calendar months): ONC (g)(10)
 * requires refresh tokens valid for no less than three months. online_access ones end with the session anyway.
 */
export const GRANT_TTL = 92 * 24 * 3600;
const ASSERTION_MAX_LIFETIME = 300;
const CLOCK_TOLERANCE = 15;

export function providerConfiguration(deps: ProviderDeps): Configuration {
  const { fhirBase, launches } = deps;
  const jwksFreshness = new JwksFreshness();
  return {
    adapter: (name: string) =>
      name === 'Client' ? clientAdapter(deps.clients, jwksFreshness) : new RedisAdapter(deps.redis, deps.redisPrefix, name),
    clients: [],
    async findAccount(_ctx, sub) {
      const user = await deps.users.find(sub);
      if (!user) return undefined;
      return {
        accountId: sub,
        claims: () => ({ sub, fhirUser: `${fhirBase}/${user.fhirUser}`, ...(user.displayName ? { name: user.displayName } : {}) }),
      };
    },
    claims: { openid: ['sub'], fhirUser: ['fhirUser'], profile: ['name'] },
    scopes: [...OIDC_SCOPES],
    // The code flow only (SMART); oidc-provider would also offer id_token and none.
    responseTypes: ['code'],
    clientAuthMethods: ['none', 'client_secret_basic', 'private_key_jwt'],
    enabledJWA: { clientAuthSigningAlgValues: ['RS384', 'ES384'], idTokenSigningAlgValues: ['RS256'] },
    extraClientMetadata: { properties: ['smart_scope', 'smart_jwks_generation'] },
    extraParams: {
      aud(_ctx, value) {
        if (value !== fhirBase)
          throw new errors.InvalidRequest(
            `aud must be this server's FHIR base ${fhirBase}${value ? `, not '${value}'` : ' and is missing'}`,
          );
      },
      async launch(_ctx, value, client) {
        if (value === undefined) return;
        const launch = await launches.findLaunch(String(value));
        if (!launch) throw new errors.InvalidRequest('launch is unknown or expired');
        if (launch.clientId !== client.clientId) throw new errors.InvalidRequest('launch was made for another client');
      },
    },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      // A client may introspect and revoke only its own tokens. Anything else is answered as for an unknown
      // token ({"active": false}; revocation 200 and nothing revoked), so no client learns whether another's
      // token exists. https://www.rfc-editor.org/rfc/rfc7662#section-2.2 https://www.rfc-editor.org/rfc/rfc7009#section-2.2
      introspection: { enabled: true, allowedPolicy: (_ctx, client, token) => token.clientId === client.clientId },
      revocation: { enabled: true, allowedPolicy: (_ctx, client, token) => token.clientId === client.clientId },
      userinfo: { enabled: false },
      pushedAuthorizationRequests: { enabled: false },
      rpInitiatedLogout: { enabled: false },
      resourceIndicators: {
        enabled: true,
        // SMART has aud, not resource: every token is for the FHIR API.
        defaultResource: () => fhirBase,
        useGrantedResource: () => true,
        getResourceServerInfo: (ctx, indicator, client) =>
          resourceServerInfo(ctx, indicator, client.clientId, jsonText(client['smart_scope']), fhirBase),
      },
    },
    pkce: { required: () => true },
    allowOmittingSingleRegisteredRedirectUri: false,
    issueRefreshToken(_ctx, client, code) {
      return client.grantTypeAllowed('refresh_token') && (code.scopes.has('offline_access') || code.scopes.has('online_access'));
    },
    // Every authorization gets a grant of its own (with its own launch context), made at our consent step; consent
    // the user gave before lets that step pass without a page (interactions.ts, consent-store.ts).
    async loadExistingGrant(ctx) {
      const grantId = ctx.oidc.result?.consent?.grantId;
      return grantId ? ctx.oidc.provider.Grant.find(grantId) : undefined;
    },
    // Revoking any token of a grant (access or refresh) revokes the grant and all its tokens.
    revokeGrantPolicy: () => true,
    async extraTokenClaims(ctx, token) {
      if (!('grantId' in token) || !token.grantId) return undefined;
      const context = await launches.grantContext(token.grantId);
      const { Grant: grant, RefreshToken: rt, AuthorizationCode: code } = ctx.oidc.entities;
      const requested = new Set(splitScope((ctx.oidc.params?.scope as string | undefined) ?? rt?.scope ?? code?.scope));
      const oidcScope = grant ? splitScope(grant.getOIDCScopeFiltered(requested)) : [];
      return {
        granted_scope: [...oidcScope, ...splitScope(token.scope)].join(' '),
        ...(context?.patient ? { patient: context.patient } : {}),
        ...(context?.encounter ? { encounter: context.encounter } : {}),
        // Always kept (the resource server audits who acted); introspection shows it only with openid fhirUser.
        ...(context?.fhirUser ? { fhirUser: `${fhirBase}/${context.fhirUser}` } : {}),
        need_patient_banner: context?.needPatientBanner ?? false,
      };
    },
    async assertJwtClientAuthClaimsAndHeader(ctx, claims, header, client) {
      const fail = (msg: string) => {
        throw new errors.InvalidClientAuth(msg);
      };
      if (claims.sub !== client.clientId) fail('client_assertion sub must be the client_id');
      const audFailure = audienceFailure(ctx, claims.aud);
      if (audFailure) fail(audFailure);
      if (!header.kid) fail('client_assertion header must name its key (kid)');
      if (header.typ !== undefined && header.typ !== 'JWT') fail("client_assertion typ must be 'JWT'");
      if (header.jku !== undefined && header.jku !== client.jwksUri) fail('client_assertion jku does not match the registered jwks_uri');
      const now = Math.floor(Date.now() / 1000);
      const exp = Number(claims.exp);
      if (exp > now + ASSERTION_MAX_LIFETIME + CLOCK_TOLERANCE) fail('client_assertion exp must be at most 5 minutes ahead');
      // Atomic (SET NX) so two concurrent requests with the same jti cannot both pass.
      const key = `${deps.redisPrefix}jti:${createHash('sha256')
        .update(`${client.clientId}\n${jsonText(claims.jti)}`)
        .digest('base64url')}`;
      const fresh = await deps.redis.set(key, '1', 'EX', Math.max(1, exp - now + CLOCK_TOLERANCE), 'NX');
      if (fresh !== 'OK') fail('client_assertion jti was already used');
    },
    clientBasedCORS: (_ctx, origin, client) => client.redirectUris?.some((uri) => URL.parse(uri)?.origin === origin) ?? false,
    interactions: { url: (_ctx, interaction) => `/auth/interaction/${interaction.uid}` },
    routes: {
      authorization: '/authorize',
      token: '/token',
      introspection: '/introspect',
      revocation: '/revoke',
      jwks: '/jwks',
    },
    jwks: { keys: deps.jwks },
    cookies: { keys: deps.cookieKeys },
    clockTolerance: CLOCK_TOLERANCE,
    ttl: {
      AccessToken: (_ctx, token) => token.resourceServer?.accessTokenTTL ?? USER_TOKEN_TTL,
      ClientCredentials: BACKEND_TOKEN_TTL,
      AuthorizationCode: 60,
      IdToken: USER_TOKEN_TTL,
      RefreshToken: GRANT_TTL,
      Interaction: 3600,
      Session: 12 * 3600,
      Grant: GRANT_TTL,
    },
    renderError: (ctx, out) => renderErrorPage(ctx, out),
    // Outbound calls are bounded (provider-fetch.ts); oidc-provider refuses to fetch from special-use addresses
    // (SSRF protection), except from hosts named in JWKS_FETCH_ALLOW_HOSTS. Every response is noted for the
    // cache headers of client JWKS (jwks-freshness.ts).
    fetch: boundedProviderFetch(deps.fetchLimits, deps.jwksFetchAllowHosts, (href, headers) => jwksFreshness.note(href, headers)),
    fetchResponseBodyLimits: {
      jwks_uri: deps.fetchLimits.maxBodyBytes,
      sector_identifier_uri: deps.fetchLimits.maxBodyBytes,
      'client_id metadata document': Math.min(5 * 1024, deps.fetchLimits.maxBodyBytes),
    },
  };
}

/**
 * SMART Backend Services: a client assertion's `aud` is the token URL, the URL it is posted to. oidc-provider
 * also takes the issuer; we do not. At /auth/introspect and /auth/revoke that endpoint's own URL is the URL it
 * is posted to, so it is accepted there too. A list must hold only accepted URLs. Undefined when `aud` is right.
 * https://hl7.org/fhir/smart-app-launch/backend-services.html#authenticate-to-the-token-endpoint
 */
function audienceFailure(ctx: KoaContextWithOIDC, aud: unknown): string | undefined {
  const tokenUrl = ctx.oidc.urlFor('token');
  const accepted = new Set([tokenUrl, ctx.oidc.urlFor(ctx.oidc.route)]);
  const values = Array.isArray(aud) ? aud : [aud];
  if (values.length > 0 && values.every((v) => typeof v === 'string' && accepted.has(v))) return undefined;
  const shown = values.map((v) => `'${String(v)}'`).join(', ');
  return `client_assertion aud must be the token URL ${tokenUrl}, not ${shown}${values.includes(ctx.oidc.issuer) ? ' (the issuer is not accepted)' : ''}`;
}

/**
 * The FHIR API as oidc-provider's one resource server. Its grantable scopes are the SMART scopes of this
 * request (or of the code or refresh token being exchanged) that the client's registration permits:
 * system/ for client_credentials, patient/, user/ and context scopes for users.
 */
function resourceServerInfo(ctx: KoaContextWithOIDC, indicator: string, clientId: string, registered: string, fhirBase: string) {
  if (indicator !== fhirBase) throw new errors.InvalidTarget(`the only resource is the FHIR base ${fhirBase}`);
  const backend = ctx.oidc.params?.grant_type === 'client_credentials';
  const { RefreshToken: rt, AuthorizationCode: code } = ctx.oidc.entities;
  const candidates = new Set([
    ...splitScope(ctx.oidc.params?.scope as string | undefined),
    ...splitScope(rt?.scope),
    ...splitScope(code?.scope),
  ]);
  const allowed = splitScope(registered);
  const scope = [...candidates].filter((s) => {
    if (!isResourceScope(s) || !permits(allowed, s)) return false;
    const level = parseClinicalScope(s)?.level;
    return backend ? level === 'system' : level !== 'system';
  });
  if (backend && candidates.size === 0)
    throw new errors.InvalidRequest("missing required parameter 'scope' (Backend Services ask for system/ scopes)");
  if (backend && scope.length === 0) {
    throw new errors.InvalidScope(
      `none of the requested scopes is registered for client ${clientId} (backend services get system/ scopes)`,
      jsonText(ctx.oidc.params?.scope),
    );
  }
  return {
    scope: scope.join(' '),
    audience: fhirBase,
    accessTokenFormat: 'opaque' as const,
    accessTokenTTL: backend ? BACKEND_TOKEN_TTL : USER_TOKEN_TTL,
  };
}

/**
 * Clients from MySQL. oidc-provider caches a client (and the keys fetched from its jwks_uri) by its metadata:
 * smart_jwks_generation changes once those keys are stale by their cache headers, so they are fetched anew.
 */
function clientAdapter(clients: ClientStore, jwksFreshness: JwksFreshness): Adapter {
  const readOnly = () => Promise.reject(new Error('clients are registered with `fibrotrack client register` or the admin API'));
  return {
    find: async (id) => {
      const metadata = await clients.metadata(id);
      if (metadata?.jwks_uri) metadata.smart_jwks_generation = jwksFreshness.generation(metadata.jwks_uri);
      return metadata;
    },
    upsert: readOnly,
    findByUid: readOnly,
    findByUserCode: readOnly,
    consume: readOnly,
    destroy: readOnly,
    revokeByGrantId: readOnly,
  };
}
