// Types for the one oidc-provider internal we use (its SSRF check on undici connections; the package has no
// exports map, so the deep import resolves). Used by server/src/auth/provider-fetch.ts.
declare module 'oidc-provider/lib/helpers/fetch_request.js' {
  export function applySSRFProtection<T>(dispatcher: T): T;
}
