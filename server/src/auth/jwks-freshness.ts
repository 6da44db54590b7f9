// How long a client's JWKS (fetched from its registered jwks_uri) may be reused, from its cache headers.
// oidc-provider keeps fetched keys at least 60 seconds; a generation that changes once the keys are stale
// (given to oidc-provider as client metadata) makes it build a fresh client, which fetches them again.
// https://hl7.org/fhir/smart-app-launch/backend-services.html#signature-verification

interface Fetched {
  /** Which response this is (counts every fetch). */
  seq: number;
  /** Until when it may be reused (ms since the epoch); its arrival for no-store and no-cache. */
  freshUntil: number;
}

/** Without cache headers oidc-provider's own rule holds: reuse for 60 seconds. */
const HEURISTIC_MS = 60_000;

export class JwksFreshness {
  private readonly fetched = new Map<string, Fetched>();
  private readonly generations = new Map<string, { generation: number; bumpedFor: number }>();
  private seq = 0;

  constructor(private readonly now: () => number = Date.now) {}

  /** Records a response from `url` (every fetch oidc-provider makes passes here). */
  note(url: string, headers: Headers): void {
    const at = this.now();
    this.fetched.set(normalize(url), { seq: ++this.seq, freshUntil: at + lifetimeMs(headers, at) });
  }

  /**
   * A number that stays the same while the keys last fetched from `url` are fresh and changes once they are
   * stale (once per fetch, so a stale set causes one new fetch, not one per lookup).
   */
  generation(url: string): number {
    const key = normalize(url);
    const entry = this.generations.get(key) ?? { generation: 0, bumpedFor: -1 };
    const last = this.fetched.get(key);
    if (last && this.now() >= last.freshUntil && entry.bumpedFor !== last.seq) {
      entry.generation++;
      entry.bumpedFor = last.seq;
    }
    this.generations.set(key, entry);
    return entry.generation;
  }
}

/** Freshness lifetime (RFC 9111 section 4.2.1): no-store/no-cache 0, else max-age, else Expires - Date. */
export function lifetimeMs(headers: Headers, now: number): number {
  const cacheControl = (headers.get('cache-control') ?? '').toLowerCase();
  const directives = new Map(
    cacheControl
      .split(',')
      .map((d) => d.trim())
      .filter(Boolean)
      .map((d) => {
        const eq = d.indexOf('=');
        return eq < 0
          ? [d, '']
          : [
              d.slice(0, eq).trim(),
              d
                .slice(eq + 1)
                .trim()
                .replace(/^"|"$/g, ''),
            ];
      }),
  );
  if (directives.has('no-store') || directives.has('no-cache')) return 0;
  const maxAge = directives.get('max-age');
  if (maxAge !== undefined) return /^\d+$/.test(maxAge) ? Number(maxAge) * 1000 : 0;
  const expires = headers.get('expires');
  if (expires !== null) {
    const until = Date.parse(expires);
    if (Number.isNaN(until)) return 0; // an invalid Expires means already expired
    const date = Date.parse(headers.get('date') ?? '');
    return Math.max(0, until - (Number.isNaN(date) ? now : date));
  }
  return HEURISTIC_MS;
}

function normalize(url: string): string {
  return URL.parse(url)?.href ?? url;
}
