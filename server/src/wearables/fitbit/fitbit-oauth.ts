// OAuth 2 with Fitbit: the authorization URL (code flow with PKCE and state), the code exchange and the
// refresh (Fitbit rotates refresh tokens: each refresh returns a new one and retires the old), and the
// revocation when a patient unlinks. https://dev.fitbit.com/build/reference/web-api/authorization/
import { createHash, randomBytes } from 'node:crypto';
import { badGateway } from '../../core/outcomes.js';
import type { FitbitConfig } from '../wearables-config.js';
import { fitbitJson, fitbitRequest } from './fitbit-http.js';
import type { FitbitTokens } from './fitbit-store.js';

/** Everything the sync reads: heart rate and HRV, steps, sleep, weight, SpO2. */
export const FITBIT_SCOPES = ['activity', 'heartrate', 'sleep', 'weight', 'oxygen_saturation'];

/** Fitbit answered the token endpoint with an error (`invalid_grant` when a refresh token is no longer valid). */
export class FitbitAuthError extends Error {
  constructor(
    readonly status: number,
    readonly errorType: string,
  ) {
    super(`Fitbit token endpoint answered ${status} ${errorType}`);
    this.name = 'FitbitAuthError';
  }
}

export const randomToken = () => randomBytes(32).toString('base64url');

export function authorizeUrl(config: FitbitConfig, redirectUri: string, state: string, codeVerifier: string): string {
  const url = new URL(config.authorizeUrl);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('client_id', config.clientId);
  url.searchParams.set('redirect_uri', redirectUri);
  url.searchParams.set('scope', FITBIT_SCOPES.join(' '));
  url.searchParams.set('state', state);
  url.searchParams.set('code_challenge', createHash('sha256').update(codeVerifier).digest('base64url'));
  url.searchParams.set('code_challenge_method', 'S256');
  return url.toString();
}

export function exchangeCode(config: FitbitConfig, code: string, codeVerifier: string, redirectUri: string): Promise<FitbitTokens> {
  return tokenRequest(config, {
    grant_type: 'authorization_code',
    client_id: config.clientId,
    code,
    code_verifier: codeVerifier,
    redirect_uri: redirectUri,
  });
}

export function refreshTokens(config: FitbitConfig, refreshToken: string): Promise<FitbitTokens> {
  return tokenRequest(config, { grant_type: 'refresh_token', refresh_token: refreshToken });
}

/**
 * Revokes the user's authorization of our app at Fitbit (either token revokes all of them). Throws (502 or
 * FitbitAuthError) when Fitbit did not confirm. https://dev.fitbit.com/build/reference/web-api/authorization/revoke-token/
 */
export async function revokeTokens(config: FitbitConfig, token: string): Promise<void> {
  const res = await fitbitRequest(config, config.revokeUrl, {
    method: 'POST',
    headers: { Authorization: basicAuth(config), 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
    body: new URLSearchParams({ token }).toString(),
  });
  if (res.status >= 500) throw badGateway(`Fitbit's revoke endpoint answered ${res.status}`);
  if (res.status >= 300) throw new FitbitAuthError(res.status, errorType(fitbitJson(res, 'the revocation')));
}

const basicAuth = (config: FitbitConfig) => `Basic ${Buffer.from(`${config.clientId}:${config.clientSecret}`).toString('base64')}`;

/** Only the error type is kept: Fitbit's messages echo the token they refused. */
function errorType(body: unknown): string {
  const type = ((body as Record<string, unknown> | null)?.errors as { errorType?: string }[] | undefined)?.[0]?.errorType;
  return typeof type === 'string' && /^[a-z_]{1,64}$/.test(type) ? type : 'unexpected_response';
}

async function tokenRequest(config: FitbitConfig, form: Record<string, string>): Promise<FitbitTokens> {
  const res = await fitbitRequest(config, config.tokenUrl, {
    method: 'POST',
    headers: { Authorization: basicAuth(config), 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
    body: new URLSearchParams(form).toString(),
  });
  // Fitbit's own failure (or a broken proxy's page) is a 502 to our caller; only its 4xx is about the grant.
  if (res.status >= 500) throw badGateway(`Fitbit's token endpoint answered ${res.status}; try again later`);
  const body = fitbitJson(res, 'the token request') as Record<string, unknown> | null;
  if (res.status >= 400) throw new FitbitAuthError(res.status, errorType(body));
  if (typeof body?.access_token !== 'string' || typeof body.refresh_token !== 'string') {
    throw badGateway(`Fitbit's token endpoint answered ${res.status} without tokens; try again later`);
  }
  return {
    accessToken: body.access_token,
    refreshToken: body.refresh_token,
    expiresAt: new Date(Date.now() + Number(body.expires_in ?? 28_800) * 1000),
    scope: typeof body.scope === 'string' ? body.scope : '',
    fitbitUserId: typeof body.user_id === 'string' ? body.user_id : '',
  };
}
