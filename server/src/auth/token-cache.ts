// Remembers what a bearer token was verified as, for at most TOKEN_CACHE_MS (and never past its expiry), so that
// a client's burst of requests costs one token lookup rather than one each. Revocation stays effective: the cache is
// emptied on every revocation event of oidc-provider on this node and on every revocation announced through Redis
// by other nodes and the CLI (token-revocations.ts). Only valid tokens are kept; an unknown token is looked up every time.
import { createHash } from 'node:crypto';
import type { AccessContext, TokenVerifier } from './access-context.js';

export interface CachingVerifier extends TokenVerifier {
  /** Forgets every token (a token or grant was revoked). */
  clear(): void;
}

export function cachingVerifier(inner: TokenVerifier, ttlMs: number, maxEntries = 10_000, clock: () => number = Date.now): CachingVerifier {
  const entries = new Map<string, { access: AccessContext; until: number }>();
  return {
    async verify(bearerToken) {
      if (ttlMs <= 0) return inner.verify(bearerToken);
      // Keyed by a hash: the cache holds no usable token.
      const key = createHash('sha256').update(bearerToken).digest('base64url');
      const now = clock();
      const hit = entries.get(key);
      if (hit && hit.until > now) return hit.access;
      if (hit) entries.delete(key);
      const access = await inner.verify(bearerToken);
      if (access) {
        if (entries.size >= maxEntries) entries.delete(entries.keys().next().value!);
        entries.set(key, { access, until: Math.min(now + ttlMs, access.expiresAt * 1000) });
      }
      return access;
    },
    clear: () => entries.clear(),
  };
}
