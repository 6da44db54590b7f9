// The inputs of Patient/$everything from the query (GET) or a Parameters body (POST): start, end, _since, _type,
// _count, and _cursor on later pages. https://hl7.org/fhir/R4/patient-operation-everything.html#inparms
import type { Definitions } from '../../../definitions/r4-definitions.js';
import { badRequest, invalidParameter, unknownParameter } from '../../../core/outcomes.js';
import { parseDateRange } from '../../../fhir-values/date-range.js';
import { parseCount } from '../../../search/parse-search.js';
import type { FhirRequest } from '../../fhir-request.js';

export interface EverythingParams {
  start?: Date;
  end?: Date;
  since?: Date;
  types?: string[];
  count: number;
  cursor?: string;
  /** The same inputs as a query string, for the Bundle's self and next links (a POST's too). */
  query: URLSearchParams;
}

const IN_PARAMS = ['start', 'end', '_since', '_type', '_count'];
/** Accepted with every read: output format and shaping. */
const GENERAL = ['_format', '_pretty', '_summary', '_elements'];
/** The value[x] each input takes in a Parameters body. */
const VALUE_KEYS: Record<string, string[]> = {
  start: ['valueDate', 'valueDateTime'],
  end: ['valueDate', 'valueDateTime'],
  _since: ['valueInstant', 'valueDateTime'],
  _type: ['valueCode', 'valueString'],
  _count: ['valueInteger', 'valuePositiveInt', 'valueUnsignedInt'],
};

export function readEverythingParams(req: FhirRequest, defs: Definitions): EverythingParams {
  const query = new URLSearchParams();
  for (const [name, value] of req.query) {
    if (![...IN_PARAMS, ...GENERAL, '_cursor'].includes(name)) throw unknownParameter(`$everything has no parameter '${name}'`, name);
    query.append(name, value);
  }
  if (req.method === 'POST') for (const [name, value] of bodyParams(req.body)) query.append(name, value);
  for (const name of IN_PARAMS) {
    if (query.getAll(name).length > 1) throw invalidParameter(`$everything takes '${name}' once`, name);
  }
  const types = query
    .get('_type')
    ?.split(',')
    .map((t) => t.trim());
  for (const t of types ?? []) {
    if (!defs.isResourceType(t)) throw invalidParameter(`_type: '${t}' is not a resource type`, '_type');
  }
  const params: EverythingParams = {
    start: date(query.get('start'), 'start', 'start'),
    end: date(query.get('end'), 'end', 'end'),
    since: date(query.get('_since'), '_since', 'start'),
    types,
    count: parseCount(query.get('_count')),
    cursor: query.get('_cursor') ?? undefined,
    query,
  };
  if (params.start && params.end && params.start > params.end) throw invalidParameter('start is after end', 'start');
  return params;
}

function date(value: string | null, name: string, edge: 'start' | 'end'): Date | undefined {
  if (value === null) return undefined;
  const range = parseDateRange(value);
  if (!range) throw invalidParameter(`${name} must be a FHIR date or dateTime, got '${value}'`, name);
  return new Date(range[edge]);
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The inputs of a Parameters body as name/value pairs; an empty body has none. */
function bodyParams(body: unknown): [string, string][] {
  if (body === undefined || body === null || body === '') return [];
  if (!isObj(body) || body.resourceType !== 'Parameters') throw badRequest('POST $everything takes a Parameters resource (or no body)');
  const pairs: [string, string][] = [];
  for (const [i, p] of (Array.isArray(body.parameter) ? body.parameter : []).entries()) {
    const where = `Parameters.parameter[${i}]`;
    if (!isObj(p) || typeof p.name !== 'string') throw badRequest(`${where} needs a name`, where);
    const keys = VALUE_KEYS[p.name];
    if (!keys) throw unknownParameter(`$everything has no parameter '${p.name}'`, `${where}.name`);
    const key = keys.find((k) => p[k] !== undefined);
    const value = key === undefined ? undefined : p[key];
    if (typeof value !== 'string' && typeof value !== 'number') {
      throw invalidParameter(`${where} (${p.name}) needs one of ${keys.join(', ')}`, `${where}`);
    }
    pairs.push([p.name, String(value)]);
  }
  return pairs;
}
