// Bounds of the authorization server's outbound calls (AUTH_FETCH_*), apart from provider-fetch.ts so that
// reading the configuration loads nothing of oidc-provider.
export interface ProviderFetchLimits {
  connectTimeoutMs: number;
  /** From the start of the request to the last byte of the body. */
  totalTimeoutMs: number;
  maxBodyBytes: number;
}

/** AUTH_FETCH_CONNECT_TIMEOUT_MS, AUTH_FETCH_TIMEOUT_MS, AUTH_FETCH_MAX_BYTES: a JWKS of a few keys is a few KiB. */
export const DEFAULT_PROVIDER_FETCH_LIMITS: ProviderFetchLimits = {
  connectTimeoutMs: 2_000,
  totalTimeoutMs: 5_000,
  maxBodyBytes: 64 * 1024,
};
