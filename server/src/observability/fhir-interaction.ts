// Which FHIR interaction (https://hl7.org/fhir/R4/http.html) a request is, and on which resource type, from its
// method and path alone: the labels of the request metrics and log lines. Every value comes from a fixed set (a
// type the server does not know is "unknown"), so clients cannot grow the number of metric series.
export interface RequestKind {
  interaction: string;
  /** The resource type, '' when there is none, 'unknown' when the path names a type the server does not have. */
  type: string;
}

const BY_METHOD_ON_TYPE: Record<string, string> = {
  GET: 'search-type',
  HEAD: 'search-type',
  POST: 'create',
  PUT: 'update',
  PATCH: 'patch',
  DELETE: 'delete',
};
const BY_METHOD_ON_INSTANCE: Record<string, string> = { GET: 'read', HEAD: 'read', PUT: 'update', PATCH: 'patch', DELETE: 'delete' };
/** The other parts of the server, by their first path segment. */
const AREAS = new Set(['auth', 'app', 'ehr', 'wearables', 'ig', 'health', 'healthz', 'readyz', 'metrics']);

export function requestKind(method: string, path: string, isType: (name: string) => boolean): RequestKind {
  const parts = path.split('?')[0].split('/').filter(Boolean);
  if (parts[0] !== 'fhir') return { interaction: AREAS.has(parts[0] ?? '') ? parts[0] : 'other', type: '' };
  const [, first, second, third, fourth] = parts;
  if (first === undefined) return { interaction: method === 'POST' ? 'batch-transaction' : 'search-system', type: '' };
  if (first === 'metadata') return { interaction: 'capabilities', type: '' };
  if (first === '_history') return { interaction: 'history-system', type: '' };
  if (first.startsWith('$')) return { interaction: 'operation', type: '' };
  if (first === '.well-known') return { interaction: 'smart-configuration', type: '' };
  const type = isType(first) ? first : 'unknown';
  if (second === undefined) return { interaction: BY_METHOD_ON_TYPE[method] ?? 'other', type };
  if (second === '_search') return { interaction: 'search-type', type };
  if (second === '_history') return { interaction: 'history-type', type };
  if (second.startsWith('$')) return { interaction: 'operation', type };
  if (third === undefined) return { interaction: BY_METHOD_ON_INSTANCE[method] ?? 'other', type };
  if (third === '_history') return { interaction: fourth === undefined ? 'history-instance' : 'vread', type };
  if (third.startsWith('$')) return { interaction: 'operation', type };
  return { interaction: 'search-compartment', type };
}
