// oidc-provider's outbound calls (a client's jwks_uri, a sector_identifier_uri) under bounds a remote server
// cannot stretch: a connect timeout, a total timeout (response headers and the whole body included) and a body
// cap (oidc-provider's fetchResponseBodyLimits, set from the same limits in provider-config.ts). A call past a
// bound fails, and oidc-provider answers the request that needed it with an OAuth error (invalid_client for a
// client assertion), never a hang. oidc-provider's SSRF protection (no special-use addresses) is kept on the
// bounded connections; only hosts in JWKS_FETCH_ALLOW_HOSTS go without it.
// https://github.com/panva/node-oidc-provider/blob/main/docs/README.md#fetch
import type { Configuration } from 'oidc-provider';
import { applySSRFProtection } from 'oidc-provider/lib/helpers/fetch_request.js';
import type { ProviderFetchLimits } from './provider-fetch-limits.js';

type Fetch = NonNullable<Configuration['fetch']>;
type Dispatcher = { constructor: new (options: object) => Dispatcher };

/**
 * The `fetch` hook: `onResponse` sees every response (for the JWKS cache headers). oidc-provider hands the hook
 * its SSRF-protected undici Agent as `options.dispatcher`; the bounded Agents are made with its class (Node's own
 * undici), since Node 20 exports no Agent of its own.
 */
export function boundedProviderFetch(
  limits: ProviderFetchLimits,
  allowHosts: string[],
  onResponse: (href: string, headers: Headers) => void,
): Fetch {
  const agents = new Map<boolean, Dispatcher>();
  const agentFor = (given: Dispatcher, ssrfProtected: boolean) => {
    let agent = agents.get(ssrfProtected);
    if (!agent) {
      agent = new given.constructor({
        connect: { timeout: limits.connectTimeoutMs },
        headersTimeout: limits.totalTimeoutMs,
        bodyTimeout: limits.totalTimeoutMs,
      });
      if (ssrfProtected) applySSRFProtection(agent);
      agents.set(ssrfProtected, agent);
    }
    return agent;
  };
  return async (url, options) => {
    const href = url instanceof Request ? url.url : String(url);
    const opts = options as RequestInit & { dispatcher?: Dispatcher };
    if (opts.dispatcher) opts.dispatcher = agentFor(opts.dispatcher, !allowHosts.includes(new URL(href).hostname));
    // Replaces oidc-provider's fixed 2.5 s; an abort also ends a body that trickles in.
    opts.signal = AbortSignal.timeout(limits.totalTimeoutMs);
    const response = await globalThis.fetch(url, opts);
    onResponse(href, response.headers);
    return response;
  };
}
