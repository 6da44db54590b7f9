// Real SMART tokens for black-box tests: drives a TestServer started with AUTH_MODE=smart through its HTTP
// endpoints (authorize -> login -> patient picker -> consent -> code -> token, PKCE S256; Backend Services
// with a signed client_assertion), following redirects by hand so every step can be checked.
import { createHash, generateKeyPairSync, randomBytes, randomUUID, sign, type KeyObject } from 'node:crypto';
import request from 'supertest';
import type { ClientRegistration, RegisteredClient } from '../../server/src/auth/client-store.js';
import type { EhrLaunch } from '../../server/src/auth/launch-store.js';
import type { User } from '../../server/src/auth/user-store.js';
import type { FhirResource } from 'fhir/r4.js';
import type { BuiltApp } from '../../server/src/app.js';
import { handleFhirRequest } from '../../server/src/fhir/router.js';
import type { TestServer } from './test-server.js';

export const BASE_URL = 'http://localhost:8080';
export const FHIR_BASE = `${BASE_URL}/fhir`;
export const TOKEN_URL = `${BASE_URL}/auth/token`;
export const ISSUER = `${BASE_URL}/auth`;

export interface TokenResponse {
  access_token: string;
  token_type: string;
  expires_in: number;
  scope: string;
  refresh_token?: string;
  id_token?: string;
  patient?: string;
  encounter?: string;
  need_patient_banner?: boolean;
  smart_style_url?: string;
  [key: string]: unknown;
}

/** A TestServer, or a BuiltApp for tests that listen on a real port. */
type ServerLike = TestServer | BuiltApp;

function auth(server: ServerLike) {
  const a = ('built' in server ? server.built : server).auth;
  if (!a) throw new Error('start the test server with { AUTH_MODE: "smart" }');
  return a;
}

/** Registers a client as `fibrotrack client register` does. Defaults: public app redirecting to /app/index.html. */
export async function registerClient(server: ServerLike, reg: Partial<ClientRegistration> & { scope: string }): Promise<RegisteredClient> {
  return auth(server).clientStore.register({
    auth: 'none',
    ...(reg.backend ? {} : { redirectUris: [`${BASE_URL}/app/index.html`], launchUrl: `${BASE_URL}/app/launch.html` }),
    ...reg,
  });
}

/** Adds a login as `fibrotrack user add` does. */
export async function addUser(
  server: ServerLike,
  user: { username: string; password: string; fhirUser: string; displayName?: string },
): Promise<User> {
  return auth(server).users.add(user);
}

/**
 * Forgets what the user allowed every app (as Revoke at /auth/grants does, tokens left alone), so that the next
 * authorization shows the consent page again: for tests of that page after an earlier test's consent.
 */
export async function forgetConsents(server: ServerLike, username: string): Promise<void> {
  const user = await auth(server).users.byUsername(username);
  if (user) await auth(server).consents.forget(user.accountId);
}

/** Creates a resource in-process (no token needed), returning its id: test fixtures for AUTH_MODE=smart. */
export async function createResource(server: ServerLike, resource: FhirResource): Promise<string> {
  const built = 'built' in server ? server.built : server;
  const res = await handleFhirRequest(
    { method: 'POST', path: resource.resourceType, query: new URLSearchParams(), headers: {}, body: resource },
    built.ctx,
  );
  return res.resource!.id!;
}

/** Mints an EHR launch id as the /ehr simulator does. */
export async function ehrLaunch(server: ServerLike, launch: EhrLaunch): Promise<string> {
  return auth(server).launches.createLaunch(launch);
}

export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

export interface AuthorizeOptions {
  client: Pick<RegisteredClient, 'clientId' | 'clientSecret' | 'redirectUris'>;
  user: { username: string; password: string };
  scope: string;
  /** Patient id to pick when the patient picker appears. */
  patient?: string;
  launch?: string;
  /** Defaults to the FHIR base. */
  aud?: string;
  state?: string;
  redirectUri?: string;
  /** Scopes to untick on the consent page. */
  deselect?: string[];
  /** Press Deny instead of Allow. */
  deny?: boolean;
  /** Extra or replaced authorize parameters (undefined removes one). */
  params?: Record<string, string | undefined>;
  /** A browser (cookie jar) to reuse, e.g. one already signed in; default a fresh one. */
  agent?: ReturnType<typeof request.agent>;
}

export interface AuthorizeResult {
  /** Where the authorization server finally sent the browser (the client's redirect_uri, or an error page). */
  redirect?: URL;
  code?: string;
  state?: string;
  error?: string;
  verifier: string;
  challenge: string;
  /** The scopes shown on the consent page (none when the user allowed them all before: no page). */
  offeredScopes: string[];
  /** The consent page, when one was shown. */
  consentPage?: string;
  /** Status and body of the last page when the flow stopped on one (no redirect to the client). */
  stoppedAt?: { status: number; text: string };
  /** The browser (cookie jar) that went through the flow. */
  agent: ReturnType<typeof request.agent>;
}

/** authorize -> login -> (patient picker) -> consent -> redirect_uri?code=..., by hand. */
export async function authorize(server: TestServer, opts: AuthorizeOptions): Promise<AuthorizeResult> {
  const agent = opts.agent ?? request.agent(server.built.app);
  const { verifier, challenge } = pkcePair();
  const redirectUri = opts.redirectUri ?? opts.client.redirectUris?.[0] ?? `${BASE_URL}/app/index.html`;
  const params: Record<string, string | undefined> = {
    response_type: 'code',
    client_id: opts.client.clientId,
    redirect_uri: redirectUri,
    scope: opts.scope,
    state: opts.state ?? randomBytes(8).toString('hex'),
    aud: opts.aud ?? FHIR_BASE,
    code_challenge: challenge,
    code_challenge_method: 'S256',
    ...(opts.launch ? { launch: opts.launch } : {}),
    ...opts.params,
  };
  const query = new URLSearchParams(Object.entries(params).filter((e): e is [string, string] => e[1] !== undefined));
  let res = await agent.get(`/auth/authorize?${query}`);
  const offeredScopes: string[] = [];
  let consentPage: string | undefined;
  for (let step = 0; step < 20; step++) {
    if (res.status === 302 || res.status === 303) {
      const location = new URL(res.headers.location, BASE_URL);
      if (location.origin !== BASE_URL || !location.pathname.startsWith('/auth/')) {
        return {
          redirect: location,
          code: location.searchParams.get('code') ?? undefined,
          state: location.searchParams.get('state') ?? undefined,
          error: location.searchParams.get('error') ?? undefined,
          verifier,
          challenge,
          offeredScopes,
          ...(consentPage ? { consentPage } : {}),
          agent,
        };
      }
      res = await agent.get(location.pathname + location.search);
      continue;
    }
    const action = /<form method="post" action="([^"]+)"/.exec(res.text)?.[1];
    if (res.status !== 200 || !action)
      return { verifier, challenge, offeredScopes, stoppedAt: { status: res.status, text: res.text }, agent };
    const formAction = unescapeHtml(action);
    if (res.text.includes('name="username"')) {
      res = await agent.post(formAction).type('form').send({ username: opts.user.username, password: opts.user.password });
    } else if (res.text.includes('name="patient"')) {
      if (!opts.patient) return { verifier, challenge, offeredScopes, stoppedAt: { status: res.status, text: res.text }, agent };
      res = await agent.post(formAction).type('form').send({ patient: opts.patient });
    } else if (res.text.includes('id="approve"')) {
      offeredScopes.push(...[...res.text.matchAll(/name="scope" value="([^"]+)"/g)].map((m) => unescapeHtml(m[1])));
      consentPage = res.text;
      if (opts.deny) {
        const abort = unescapeHtml(/formaction="([^"]+)"/.exec(res.text)![1]);
        res = await agent.post(abort).type('form').send({});
      } else {
        const chosen = offeredScopes.filter((s) => !opts.deselect?.includes(s));
        res = await agent
          .post(formAction)
          .type('form')
          .send(chosen.map((s) => `scope=${encodeURIComponent(s)}`).join('&'));
      }
    } else {
      return { verifier, challenge, offeredScopes, stoppedAt: { status: res.status, text: res.text }, agent };
    }
  }
  throw new Error('authorization did not finish within 20 steps');
}

/** POST /auth/token with client authentication as the client's registration says (public: client_id; symmetric: Basic). */
export function tokenRequest(
  server: TestServer,
  client: Pick<RegisteredClient, 'clientId' | 'clientSecret'>,
  form: Record<string, string | undefined>,
) {
  const body = Object.fromEntries(Object.entries(form).filter((e): e is [string, string] => e[1] !== undefined));
  const req = server.http.post('/auth/token').type('form');
  if (client.clientSecret) return req.auth(encodeURIComponent(client.clientId), encodeURIComponent(client.clientSecret)).send(body);
  return req.send({ client_id: client.clientId, ...body });
}

export async function exchangeCode(
  server: TestServer,
  client: Pick<RegisteredClient, 'clientId' | 'clientSecret' | 'redirectUris'>,
  result: AuthorizeResult,
  overrides: Record<string, string | undefined> = {},
) {
  return tokenRequest(server, client, {
    grant_type: 'authorization_code',
    code: result.code,
    redirect_uri: result.redirect ? `${result.redirect.origin}${result.redirect.pathname}` : client.redirectUris?.[0],
    code_verifier: result.verifier,
    ...overrides,
  });
}

/** The whole flow; throws unless the token endpoint answers 200. */
export async function authorizationCodeToken(server: TestServer, opts: AuthorizeOptions): Promise<TokenResponse> {
  const result = await authorize(server, opts);
  if (!result.code)
    throw new Error(
      `no code: ${result.error ?? result.stoppedAt?.status} ${result.redirect?.href ?? result.stoppedAt?.text.slice(0, 500)}`,
    );
  const res = await exchangeCode(server, opts.client, result);
  if (res.status !== 200) throw new Error(`token endpoint answered ${res.status}: ${res.text}`);
  return res.body as TokenResponse;
}

export function refresh(
  server: TestServer,
  client: Pick<RegisteredClient, 'clientId' | 'clientSecret'>,
  refreshToken: string,
  scope?: string,
) {
  return tokenRequest(server, client, { grant_type: 'refresh_token', refresh_token: refreshToken, scope });
}

export function introspect(server: TestServer, client: Pick<RegisteredClient, 'clientId' | 'clientSecret'>, token: string) {
  const req = server.http.post('/auth/introspect').type('form');
  if (client.clientSecret) return req.auth(encodeURIComponent(client.clientId), encodeURIComponent(client.clientSecret)).send({ token });
  return req.send({ client_id: client.clientId, token });
}

export function revoke(server: TestServer, client: Pick<RegisteredClient, 'clientId' | 'clientSecret'>, token: string) {
  const req = server.http.post('/auth/revoke').type('form');
  if (client.clientSecret) return req.auth(encodeURIComponent(client.clientId), encodeURIComponent(client.clientSecret)).send({ token });
  return req.send({ client_id: client.clientId, token });
}

export type AssertionAlg = 'RS384' | 'ES384';

export interface BackendKey {
  alg: AssertionAlg;
  kid: string;
  privateKey: KeyObject;
  /** Public JWK Set to register (inline jwks) or serve at a jwks_uri. */
  jwks: { keys: Record<string, unknown>[] };
}

export function backendKey(alg: AssertionAlg = 'RS384'): BackendKey {
  const { privateKey, publicKey } =
    alg === 'RS384' ? generateKeyPairSync('rsa', { modulusLength: 2048 }) : generateKeyPairSync('ec', { namedCurve: 'P-384' });
  const kid = randomUUID();
  return { alg, kid, privateKey, jwks: { keys: [{ ...publicKey.export({ format: 'jwk' }), kid, alg, use: 'sig' }] } };
}

/** A signed JWT; header and claims may be overridden (or removed with undefined) to build bad assertions. */
export function signJwt(
  key: { privateKey: KeyObject; alg: string },
  header: Record<string, unknown>,
  claims: Record<string, unknown>,
): string {
  const enc = (o: Record<string, unknown>) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const input = `${enc(header)}.${enc(claims)}`;
  const alg = typeof header.alg === 'string' ? header.alg : key.alg;
  if (alg === 'none') return `${input}.`;
  const signature = alg.startsWith('ES')
    ? sign('sha384', Buffer.from(input), { key: key.privateKey, dsaEncoding: 'ieee-p1363' })
    : sign(`sha${alg.slice(2)}`, Buffer.from(input), key.privateKey);
  return `${input}.${signature.toString('base64url')}`;
}

export function clientAssertion(
  clientId: string,
  key: BackendKey,
  opts: { header?: Record<string, unknown>; claims?: Record<string, unknown> } = {},
): string {
  const now = Math.floor(Date.now() / 1000);
  const header = stripUndefined({ alg: key.alg, kid: key.kid, typ: 'JWT', ...opts.header });
  const claims = stripUndefined({ iss: clientId, sub: clientId, aud: TOKEN_URL, exp: now + 240, jti: randomUUID(), ...opts.claims });
  return signJwt(key, header, claims);
}

export function backendTokenRequest(server: TestServer, opts: { clientId: string; assertion: string; scope: string }) {
  return server.http.post('/auth/token').type('form').send({
    grant_type: 'client_credentials',
    client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
    client_assertion: opts.assertion,
    scope: opts.scope,
  });
}

/** client_credentials with a fresh private_key_jwt assertion; throws unless the answer is 200. */
export async function backendServicesToken(
  server: TestServer,
  opts: { clientId: string; key: BackendKey; scope: string },
): Promise<TokenResponse> {
  const res = await backendTokenRequest(server, {
    clientId: opts.clientId,
    assertion: clientAssertion(opts.clientId, opts.key),
    scope: opts.scope,
  });
  if (res.status !== 200) throw new Error(`token endpoint answered ${res.status}: ${res.text}`);
  return res.body as TokenResponse;
}

/** Registers a backend services client with an inline JWKS for a new key; returns both. */
export async function registerBackendClient(server: TestServer, scope = 'system/*.rs', alg: AssertionAlg = 'RS384') {
  const key = backendKey(alg);
  const client = await registerClient(server, { auth: 'private_key_jwt', backend: true, scope, jwks: key.jwks });
  return { client, key };
}

export function decodeJwt(jwt: string): { header: Record<string, unknown>; payload: Record<string, unknown> } {
  const [h, p] = jwt.split('.');
  return { header: JSON.parse(Buffer.from(h, 'base64url').toString()), payload: JSON.parse(Buffer.from(p, 'base64url').toString()) };
}

function stripUndefined(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}

function unescapeHtml(s: string): string {
  return s
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}
