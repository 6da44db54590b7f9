// oidc-provider answers any failure of its own as 500 server_error. When the failure is Redis (or the database)
// being unavailable, the answer becomes 503 with Retry-After and `temporarily_unavailable` naming it, as the FHIR
// API answers. https://www.rfc-editor.org/rfc/rfc6749#section-4.1.2.1 (temporarily_unavailable)
import type { KoaContextWithOIDC } from 'oidc-provider';
import { RETRY_AFTER_SECONDS, unavailableOutcome } from '../core/unavailable.js';

const MARK = 'fibrotrackUnavailable';

/** For oidc-provider's `server_error` event: remembers a dependency failure on the request; false for any other. */
export function markUnavailable(ctx: KoaContextWithOIDC, err: unknown): boolean {
  const unavailable = unavailableOutcome(err);
  if (!unavailable) return false;
  (ctx.state as Record<string, unknown>)[MARK] = unavailable.message;
  return true;
}

/** Koa middleware (provider.use): turns a server_error marked above into the 503. */
export function unavailableResponses() {
  return async (ctx: KoaContextWithOIDC, next: () => Promise<void>): Promise<void> => {
    await next();
    const message = (ctx.state as Record<string, unknown>)[MARK];
    if (typeof message !== 'string') return;
    ctx.status = 503;
    ctx.set('Retry-After', String(RETRY_AFTER_SECONDS));
    // JSON endpoints (token, introspection, revocation) get an OAuth error; HTML pages keep their page.
    if (typeof ctx.body === 'object' && ctx.body !== null && 'error' in ctx.body) {
      ctx.body = { error: 'temporarily_unavailable', error_description: message };
    }
  };
}
