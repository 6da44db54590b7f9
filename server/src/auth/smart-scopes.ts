// SMART resource scopes, v1 and v2, parsed to permissions and formatted back in the syntax the client used.
// https://hl7.org/fhir/smart-app-launch/STU2.2/scopes-and-launch-context.html

export type ScopeContext = 'patient' | 'user' | 'system';
/** c = create, r = read/vread/instance history, u = update/patch, d = delete, s = search and type/system history. */
export type Permission = 'c' | 'r' | 'u' | 'd' | 's';
export const PERMISSION_ORDER: readonly Permission[] = ['c', 'r', 'u', 'd', 's'];

export interface ResourceScope {
  /** The scope exactly as written. */
  raw: string;
  context: ScopeContext;
  /** A resource type, or `*` for every type. */
  type: string;
  /** The granted letters in canonical order, e.g. `rs`. */
  permissions: string;
  /** v2 query constraints (`?category=...|vital-signs`), in the order written; empty when unconstrained. */
  constraints: [name: string, value: string][];
  /** v1 (`.read`, `.write`, `.*`) or v2 (`.cruds`): tokens are answered in the syntax they were asked in. */
  syntax: 'v1' | 'v2';
}

export class ScopeSyntaxError extends Error {
  constructor(readonly scope: string, reason: string) {
    super(`Scope '${scope}' is malformed: ${reason}`);
    this.name = 'ScopeSyntaxError';
  }
}

const V1: Record<string, string> = { read: 'rs', write: 'cud', '*': 'cruds' };
const RESOURCE_SCOPE = /^(patient|user|system)\/([^.?]*)\.([^?]*)(?:\?(.*))?$/;
const TYPE = /^(?:\*|[A-Z][A-Za-z]*)$/;

/** True when `raw` is meant as a resource scope (starts `patient/`, `user/` or `system/`). */
export function isResourceScope(raw: string): boolean {
  return /^(patient|user|system)\//.test(raw);
}

/**
 * Parses one resource scope. Throws ScopeSyntaxError for a malformed resource scope; scopes that are not
 * resource scopes (`openid`, `launch/patient`, `offline_access`...) are not this function's business:
 * check `isResourceScope` first.
 */
export function parseResourceScope(raw: string): ResourceScope {
  const m = RESOURCE_SCOPE.exec(raw);
  if (!m) throw new ScopeSyntaxError(raw, 'expected (patient|user|system)/(Type|*).(permissions)[?param=value]');
  const [, context, type, letters, query] = m;
  if (!TYPE.test(type)) throw new ScopeSyntaxError(raw, `'${type}' is neither a resource type nor '*'`);
  if (letters in V1) {
    if (query !== undefined) throw new ScopeSyntaxError(raw, 'v1 scopes (.read, .write, .*) take no query constraints');
    return { raw, context: context as ScopeContext, type, permissions: V1[letters], constraints: [], syntax: 'v1' };
  }
  return { raw, context: context as ScopeContext, type, permissions: v2Letters(raw, letters), constraints: parseConstraints(raw, query), syntax: 'v2' };
}

/** The v2 letters must appear in the order c, r, u, d, s, each at most once. */
function v2Letters(raw: string, letters: string): string {
  if (letters === '') throw new ScopeSyntaxError(raw, 'no permissions after the dot');
  let at = 0;
  for (const ch of letters) {
    const i = PERMISSION_ORDER.indexOf(ch as Permission, at);
    if (i < 0) {
      const why = PERMISSION_ORDER.includes(ch as Permission) ? `'${ch}' is repeated or out of the order c, r, u, d, s` : `'${ch}' is not one of c, r, u, d, s`;
      throw new ScopeSyntaxError(raw, why);
    }
    at = i + 1;
  }
  return letters;
}

function parseConstraints(raw: string, query: string | undefined): [string, string][] {
  if (query === undefined) return [];
  if (query === '') throw new ScopeSyntaxError(raw, "an empty query after '?'");
  return query.split('&').map((pair) => {
    const eq = pair.indexOf('=');
    if (eq <= 0 || eq === pair.length - 1) throw new ScopeSyntaxError(raw, `query constraint '${pair}' is not param=value`);
    try {
      return [decodeURIComponent(pair.slice(0, eq)), decodeURIComponent(pair.slice(eq + 1))];
    } catch {
      throw new ScopeSyntaxError(raw, `query constraint '${pair}' is not validly percent-encoded`);
    }
  });
}

/** The resource scopes among `scopes` (a token's `scope` string or its list); other scopes are skipped, malformed ones throw. */
export function parseScopes(scopes: string | readonly string[]): ResourceScope[] {
  const list = typeof scopes === 'string' ? scopes.split(/\s+/).filter(Boolean) : scopes;
  return list.filter(isResourceScope).map(parseResourceScope);
}

export const hasPermission = (scope: ResourceScope, p: Permission): boolean => scope.permissions.includes(p);

/**
 * Writes a scope back out. v1 scopes stay v1 when their letters are a v1 set (`rs` -> `.read`); otherwise,
 * or when v2 is asked for, the v2 letters are written, followed by any query constraints.
 */
export function formatScope(scope: Omit<ResourceScope, 'raw'>, syntax: 'v1' | 'v2' = scope.syntax): string {
  const head = `${scope.context}/${scope.type}.`;
  if (syntax === 'v1' && scope.constraints.length === 0) {
    const v1 = Object.entries(V1).find(([, letters]) => letters === scope.permissions)?.[0];
    if (v1) return head + v1;
  }
  const query = scope.constraints.map(([k, v]) => `${encodeConstraint(k)}=${encodeConstraint(v)}`).join('&');
  return head + scope.permissions + (query ? `?${query}` : '');
}

/** `|`, `:` and `/` stay readable (token systems are URLs); anything that would break the query is escaped. */
function encodeConstraint(s: string): string {
  return encodeURIComponent(s).replace(/%7C/gi, '|').replace(/%3A/gi, ':').replace(/%2F/gi, '/');
}

/**
 * Whether `granted` includes everything `asked` allows: same context, same type (or `*`), a superset of its
 * letters, and no constraint that `asked` lacks. Used to keep requested or refreshed scopes within a grant.
 */
export function scopeCovers(granted: ResourceScope, asked: ResourceScope): boolean {
  if (granted.context !== asked.context) return false;
  if (granted.type !== '*' && granted.type !== asked.type) return false;
  if (![...asked.permissions].every((p) => granted.permissions.includes(p))) return false;
  return granted.constraints.every(([k, v]) => asked.constraints.some(([k2, v2]) => k === k2 && v === v2));
}

/**
 * `asked` cut down to what `granted` allows (the letters both have), or undefined when nothing is left.
 * Keeps `asked`'s syntax, so a v1 request is answered in v1 when the result still is a v1 set.
 */
export function narrowScope(asked: ResourceScope, granted: ResourceScope): ResourceScope | undefined {
  if (granted.context !== asked.context) return undefined;
  if (granted.type !== '*' && granted.type !== asked.type) return undefined;
  const permissions = PERMISSION_ORDER.filter((p) => asked.permissions.includes(p) && granted.permissions.includes(p)).join('');
  if (permissions === '') return undefined;
  const constraints = [...asked.constraints];
  for (const c of granted.constraints) if (!constraints.some(([k, v]) => k === c[0] && v === c[1])) constraints.push(c);
  const out = { ...asked, permissions, constraints };
  const syntax = asked.syntax === 'v1' && constraints.length === 0 && Object.values(V1).includes(permissions) ? 'v1' : 'v2';
  return { ...out, syntax, raw: formatScope(out, syntax) };
}
