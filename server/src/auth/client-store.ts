// Registered SMART clients in MySQL, served to oidc-provider as client metadata. Secrets are stored only as
// scrypt hashes: the presented secret is checked here, before oidc-provider compares it (see clientSecrets).
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomBytes } from 'node:crypto';
import type { Pool, ResultSetHeader, RowDataPacket } from 'mysql2/promise';
import type { ClientMetadata, JWK } from 'oidc-provider';
import { jsonText } from '../core/json-text.js';
import { hashSecret, verifySecret } from './password.js';
import { CONTEXT_SCOPES, OIDC_SCOPES, parseClinicalScope, splitScope } from './smart-scopes.js';

export type ClientAuth = 'none' | 'client_secret_basic' | 'private_key_jwt';

export interface ClientRegistration {
  clientId?: string;
  name?: string;
  /** `none` = public app, `client_secret_basic` = confidential symmetric, `private_key_jwt` = asymmetric. */
  auth: ClientAuth;
  /** Backend Services (client_credentials only, no redirect URIs, no users). */
  backend?: boolean;
  redirectUris?: string[];
  launchUrl?: string;
  /** Every scope the client may be granted (SMART scopes, openid, fhirUser, offline_access, ...). */
  scope: string;
  jwksUri?: string;
  jwks?: { keys: JWK[] };
}

export interface RegisteredClient extends ClientRegistration {
  clientId: string;
  /** Only in the answer to register(), never stored. */
  clientSecret?: string;
}

/** The client secret presented on this request (HTTP Basic), set by the router around oidc-provider. */
export const presentedClientSecret = new AsyncLocalStorage<{ clientId: string; secret: string } | undefined>();
// A secret no client presents: what oidc-provider sees when the presented secret does not match the hash.
const NO_MATCH = randomBytes(48).toString('base64url');

export class ClientStore {
  private originsCache?: { at: number; origins: Set<string> };

  constructor(private readonly pool: Pool) {}

  async register(reg: ClientRegistration): Promise<RegisteredClient> {
    validateRegistration(reg);
    const clientId = reg.clientId ?? `app-${randomBytes(9).toString('base64url')}`;
    const metadata = toMetadata({ ...reg, clientId });
    const clientSecret = reg.auth === 'client_secret_basic' ? randomBytes(32).toString('base64url') : undefined;
    await this.pool.query(
      'INSERT INTO auth_client (client_id, metadata, secret_hash, launch_url, created_at) VALUES (?, ?, ?, ?, NOW(3))',
      [clientId, JSON.stringify(metadata), clientSecret ? await hashSecret(clientSecret) : null, reg.launchUrl ?? null],
    );
    this.originsCache = undefined;
    return { ...reg, clientId, ...(clientSecret ? { clientSecret } : {}) };
  }

  /** Registers a public client, or updates it to this registration (start-up seeding follows BASE_URL). */
  async seed(reg: ClientRegistration & { clientId: string; auth: 'none' }): Promise<void> {
    validateRegistration(reg);
    await this.pool.query(
      `INSERT INTO auth_client (client_id, metadata, secret_hash, launch_url, created_at) VALUES (?, ?, NULL, ?, NOW(3))
       ON DUPLICATE KEY UPDATE metadata = VALUES(metadata), launch_url = VALUES(launch_url), secret_hash = NULL`,
      [reg.clientId, JSON.stringify(toMetadata(reg)), reg.launchUrl ?? null],
    );
    this.originsCache = undefined;
  }

  async remove(clientId: string): Promise<boolean> {
    const [result] = await this.pool.query<ResultSetHeader>('DELETE FROM auth_client WHERE client_id = ?', [clientId]);
    this.originsCache = undefined;
    return result.affectedRows > 0;
  }

  async list(): Promise<RegisteredClient[]> {
    const [rows] = await this.pool.query<ClientRecord[]>('SELECT client_id, metadata, launch_url FROM auth_client ORDER BY client_id');
    return rows.map((r) => fromMetadata(JSON.parse(r.metadata) as ClientMetadata, r.launch_url ?? undefined));
  }

  async get(clientId: string): Promise<RegisteredClient | undefined> {
    const [rows] = await this.pool.query<ClientRecord[]>('SELECT metadata, launch_url FROM auth_client WHERE client_id = ?', [clientId]);
    return rows[0] ? fromMetadata(JSON.parse(rows[0].metadata) as ClientMetadata, rows[0].launch_url ?? undefined) : undefined;
  }

  /** oidc-provider metadata for the Client model; client_secret is the presented one only when it matches. */
  async metadata(clientId: string): Promise<ClientMetadata | undefined> {
    const [rows] = await this.pool.query<ClientRecord[]>('SELECT metadata, secret_hash FROM auth_client WHERE client_id = ?', [clientId]);
    if (!rows[0]) return undefined;
    const metadata = JSON.parse(rows[0].metadata) as ClientMetadata;
    if (rows[0].secret_hash) {
      const presented = presentedClientSecret.getStore();
      const matches = presented?.clientId === clientId && (await verifySecret(presented.secret, rows[0].secret_hash));
      metadata.client_secret = matches ? presented.secret : NO_MATCH;
    }
    return metadata;
  }

  /** Origins of every registered redirect URI and launch URL (for CORS); cached for 30 seconds. */
  async allowedOrigins(): Promise<Set<string>> {
    if (this.originsCache && Date.now() - this.originsCache.at < 30_000) return this.originsCache.origins;
    const origins = new Set<string>();
    for (const c of await this.list()) {
      for (const uri of [...(c.redirectUris ?? []), ...(c.launchUrl ? [c.launchUrl] : [])]) {
        const origin = URL.parse(uri)?.origin;
        if (origin && origin !== 'null') origins.add(origin);
      }
    }
    this.originsCache = { at: Date.now(), origins };
    return origins;
  }
}

function toMetadata(reg: ClientRegistration & { clientId: string }): ClientMetadata {
  const scopes = splitScope(reg.scope);
  const refresh = scopes.includes('offline_access') || scopes.includes('online_access');
  const statics = scopes.filter((s) => (OIDC_SCOPES as readonly string[]).includes(s));
  return {
    client_id: reg.clientId,
    ...(reg.name ? { client_name: reg.name } : {}),
    token_endpoint_auth_method: reg.auth,
    grant_types: reg.backend ? ['client_credentials'] : ['authorization_code', ...(refresh ? ['refresh_token'] : [])],
    response_types: reg.backend ? [] : ['code'],
    redirect_uris: reg.backend ? [] : (reg.redirectUris ?? []),
    // oidc-provider only accepts its own (OpenID) scopes here; the full list is smart_scope.
    ...(statics.length ? { scope: statics.join(' ') } : {}),
    smart_scope: scopes.join(' '),
    ...(reg.jwksUri ? { jwks_uri: reg.jwksUri } : {}),
    ...(reg.jwks ? { jwks: reg.jwks } : {}),
  };
}

/** The auth_client columns read here (each query selects the ones it needs): metadata is the client's JSON. */
interface ClientRecord extends RowDataPacket {
  metadata: string;
  launch_url?: string | null;
  secret_hash?: string | null;
}

function fromMetadata(m: ClientMetadata, launchUrl: string | undefined): RegisteredClient {
  return {
    clientId: m.client_id,
    ...(m.client_name ? { name: m.client_name } : {}),
    auth: m.token_endpoint_auth_method as ClientAuth,
    ...(m.grant_types?.includes('client_credentials') ? { backend: true } : {}),
    redirectUris: [...(m.redirect_uris ?? [])],
    ...(launchUrl ? { launchUrl } : {}),
    scope: jsonText(m.smart_scope),
    ...(m.jwks_uri ? { jwksUri: m.jwks_uri } : {}),
    ...(m.jwks ? { jwks: m.jwks as { keys: JWK[] } } : {}),
  };
}

/** A registration that oidc-provider or SMART would refuse; the message names the offending field. */
export class ClientRegistrationError extends Error {}

const AUTH_METHODS: ClientAuth[] = ['none', 'client_secret_basic', 'private_key_jwt'];

function validateRegistration(reg: ClientRegistration): void {
  const fail = (msg: string) => {
    throw new ClientRegistrationError(msg);
  };
  if (reg.clientId !== undefined && !/^[A-Za-z0-9._~-]{1,128}$/.test(reg.clientId))
    fail(`client_id '${reg.clientId}' must be 1-128 of A-Z a-z 0-9 . _ ~ -`);
  if (!AUTH_METHODS.includes(reg.auth)) fail(`auth '${reg.auth}' must be one of ${AUTH_METHODS.join(', ')}`);
  const scopes = splitScope(reg.scope);
  if (scopes.length === 0) fail('scope must list at least one scope');
  for (const s of scopes) {
    const known =
      (OIDC_SCOPES as readonly string[]).includes(s) || (CONTEXT_SCOPES as readonly string[]).includes(s) || parseClinicalScope(s);
    if (!known) fail(`scope '${s}' is not a SMART scope`);
  }
  if (reg.auth === 'private_key_jwt' && !reg.jwks && !reg.jwksUri) fail('private_key_jwt needs jwks_uri or jwks');
  if (reg.jwksUri && !/^https?:\/\//.test(reg.jwksUri)) fail(`jwks_uri '${reg.jwksUri}' must be an http(s) URL`);
  if (reg.jwks && !Array.isArray(reg.jwks.keys)) fail('jwks must be a JWK Set ({"keys": [...]})');
  if (reg.backend) {
    if (reg.auth !== 'private_key_jwt') fail('a backend services client authenticates with private_key_jwt');
    const notSystem = scopes.find((s) => parseClinicalScope(s)?.level !== 'system');
    if (notSystem) fail(`backend services clients get system/ scopes only, not '${notSystem}'`);
    return;
  }
  const uris = reg.redirectUris ?? [];
  if (uris.length === 0) fail('redirect_uris must list at least one URI');
  for (const uri of [...uris, ...(reg.launchUrl ? [reg.launchUrl] : [])]) {
    const u = URL.parse(uri);
    if (!u || !/^https?:$/.test(u.protocol) || u.hash) fail(`'${uri}' must be an absolute http(s) URL without a fragment`);
  }
}
