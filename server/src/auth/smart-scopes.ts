// SMART scope syntax (v1 and v2, with v2 query constraints), formatting back in the syntax the client used,
// and which requested scopes a client's registration permits.
// https://hl7.org/fhir/smart-app-launch/STU2.2/scopes-and-launch-context.html
export type ScopeLevel = 'patient' | 'user' | 'system';
/** c = create, r = read/vread/instance history, u = update/patch, d = delete, s = search and type/system history. */
export type Permission = 'c' | 'r' | 'u' | 'd' | 's';
export const PERMISSION_ORDER: readonly Permission[] = ['c', 'r', 'u', 'd', 's'];

export interface ClinicalScope {
  /** The scope exactly as written. */
  raw: string;
  level: ScopeLevel;
  /** A resource type or `*`. */
  type: string;
  permissions: Set<Permission>;
  /** v2 query constraint without the `?`, e.g. `category=...|vital-signs`, as written. */
  query?: string;
  /** The same constraint as percent-decoded `[param, value]` pairs (all must hold); empty when unconstrained. */
  constraints: [name: string, value: string][];
  version: 1 | 2;
}

const CLINICAL = /^(patient|user|system)\/(\*|[A-Z][A-Za-z]*)\.([a-z*]+)(?:\?(.+))?$/;
const V1: Record<string, Permission[]> = { read: ['r', 's'], write: ['c', 'u', 'd'], '*': ['c', 'r', 'u', 'd', 's'] };
const V2 = /^c?r?u?d?s?$/;

/** Scopes the authorization server treats as OpenID Connect scopes (oidc-provider statics). */
export const OIDC_SCOPES = ['openid', 'fhirUser', 'profile', 'offline_access'] as const;
/** Non-clinical scopes granted to the FHIR API itself. */
export const CONTEXT_SCOPES = ['launch', 'launch/patient', 'launch/encounter', 'online_access'] as const;

/** A clinical (resource) scope, or undefined when `scope` is not one or is malformed. */
export function parseClinicalScope(scope: string): ClinicalScope | undefined {
  const m = CLINICAL.exec(scope);
  if (!m) return undefined;
  const [, level, type, perms, query] = m;
  if (V1[perms] !== undefined) {
    // v1 scopes never carried query constraints.
    if (query !== undefined) return undefined;
    return { raw: scope, level: level as ScopeLevel, type, permissions: new Set(V1[perms]), constraints: [], version: 1 };
  }
  if (perms === '' || !V2.test(perms)) return undefined;
  const constraints = query === undefined ? [] : parseConstraints(query);
  if (constraints === undefined) return undefined;
  return {
    raw: scope,
    level: level as ScopeLevel,
    type,
    permissions: new Set(perms.split('') as Permission[]),
    query,
    constraints,
    version: 2,
  };
}

/** `param=value&param=value`, percent-decoded; undefined when a pair is not param=value or badly encoded. */
function parseConstraints(query: string): [string, string][] | undefined {
  const pairs: [string, string][] = [];
  for (const pair of query.split('&')) {
    const eq = pair.indexOf('=');
    if (eq <= 0 || eq === pair.length - 1) return undefined;
    try {
      pairs.push([decodeURIComponent(pair.slice(0, eq)), decodeURIComponent(pair.slice(eq + 1))]);
    } catch {
      return undefined;
    }
  }
  return pairs;
}

/** A scope the FHIR API (our one resource server) can be granted: context scopes and clinical scopes. */
export function isResourceScope(scope: string): boolean {
  return (CONTEXT_SCOPES as readonly string[]).includes(scope) || parseClinicalScope(scope) !== undefined;
}

/** The clinical scopes among a token's scopes, parsed; every other scope (openid, launch/patient...) is skipped. */
export function clinicalScopes(scopes: readonly string[]): ClinicalScope[] {
  return scopes.map(parseClinicalScope).filter((s): s is ClinicalScope => s !== undefined);
}

/**
 * Writes a clinical scope out in `version` (default: the one it was written in). v1 is possible only for the
 * letter sets v1 has (`rs` = read, `cud` = write, `cruds` = *) and no constraints; otherwise v2 is written.
 */
export function formatScope(
  scope: Pick<ClinicalScope, 'level' | 'type' | 'permissions' | 'constraints' | 'version'>,
  version = scope.version,
): string {
  const letters = PERMISSION_ORDER.filter((p) => scope.permissions.has(p)).join('');
  const head = `${scope.level}/${scope.type}.`;
  if (version === 1 && scope.constraints.length === 0) {
    const v1 = Object.entries(V1).find(([, ps]) => ps.join('') === letters)?.[0];
    if (v1) return head + v1;
  }
  const query = scope.constraints.map(([k, v]) => `${encodeConstraint(k)}=${encodeConstraint(v)}`).join('&');
  return head + letters + (query ? `?${query}` : '');
}

/** `|`, `:` and `/` stay readable (token systems are URLs); anything that would break the query is escaped. */
function encodeConstraint(s: string): string {
  return encodeURIComponent(s).replace(/%7C/gi, '|').replace(/%3A/gi, ':').replace(/%2F/gi, '/');
}

/**
 * Whether a client registered for `registered` scopes may be granted `requested`. Clinical scopes are
 * permitted by any registered scope of the same level whose type covers it (`*` covers every type), whose
 * permissions include all requested ones and whose query constraint is absent or identical; v1 and v2
 * spellings are interchangeable. Other scopes must be registered verbatim.
 */
export function permits(registered: readonly string[], requested: string): boolean {
  const want = parseClinicalScope(requested);
  if (!want) return registered.includes(requested);
  return registered.some((r) => {
    const have = parseClinicalScope(r);
    return (
      have !== undefined &&
      have.level === want.level &&
      (have.type === '*' || have.type === want.type) &&
      [...want.permissions].every((p) => have.permissions.has(p)) &&
      (have.query === undefined || have.query === want.query)
    );
  });
}

export function splitScope(scope: string | undefined): string[] {
  return [...new Set((scope ?? '').split(' ').filter(Boolean))];
}
