// Converts Bundle entries to FhirRequests and FhirResponses back to entry responses.
// https://hl7.org/fhir/R4/http.html#transaction
import type { Binary, BundleEntry, BundleEntryResponse, FhirResource, Resource } from 'fhir/r4.js';
import { parseFhirJson } from '../core/json.js';
import { badRequest, outcome } from '../core/outcomes.js';
import { parseEntryUrl } from './entry-url.js';
import { etagOf } from './etag.js';
import type { FhirMethod, FhirRequest, FhirResponse } from './fhir-request.js';
import { writeBody, type ReturnPreference } from './prefer.js';

const METHODS = new Set<FhirMethod>(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE']);
const STATUS_TEXT: Record<number, string> = { 200: 'OK', 201: 'Created', 204: 'No Content', 304: 'Not Modified' };

/** What an entry takes from the request that carried its Bundle: the token, and Prefer (handling=lenient). */
export type BundleRequest = Pick<FhirRequest, 'access' | 'headers'>;

export function entryRequest(entry: BundleEntry, index: number, baseUrl: string, outer?: BundleRequest): FhirRequest {
  const where = `Bundle.entry[${index}]`;
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) throw badRequest(`${where} must be an object`, where);
  const method = entry.request?.method;
  if (!method || !METHODS.has(method))
    throw badRequest(`${where}.request.method must be one of ${[...METHODS].join(', ')}`, `${where}.request.method`);
  const url = entry.request?.url;
  if (!url) throw badRequest(`${where}.request.url is required`, `${where}.request.url`);
  const { path, query } = parseEntryUrl(url, baseUrl, `${where}.request.url`);
  if (path === '') throw badRequest(`${where}.request.url must name a resource type`, `${where}.request.url`);
  if ((method === 'POST' || method === 'PUT' || method === 'PATCH') && !entry.resource) {
    throw badRequest(`${where}: a ${method} entry needs a resource`, `${where}.resource`);
  }
  const r = entry.request!;
  const req: FhirRequest = {
    method,
    path,
    query,
    headers: {
      'if-match': r.ifMatch,
      'if-none-match': r.ifNoneMatch,
      'if-modified-since': r.ifModifiedSince,
      'if-none-exist': r.ifNoneExist,
      prefer: outer?.headers.prefer,
    },
    body: entry.resource,
    contentType: 'application/fhir+json',
    access: outer?.access,
  };
  if (method === 'PATCH' && entry.resource?.resourceType === 'Binary') Object.assign(req, binaryPatch(entry.resource, where));
  return req;
}

/** JSON Patch travels in a transaction as a Binary resource. */
function binaryPatch(binary: Binary, where: string): Pick<FhirRequest, 'body' | 'contentType'> {
  try {
    return { body: parseFhirJson(Buffer.from(binary.data ?? '', 'base64')), contentType: binary.contentType };
  } catch (err) {
    throw badRequest(
      `${where}: the Binary's data is not a base64-encoded JSON Patch document (${(err as Error).message})`,
      `${where}.resource.data`,
    );
  }
}

export function entryResponse(res: FhirResponse, preference: ReturnPreference): BundleEntry {
  const response: BundleEntryResponse = { status: `${res.status} ${STATUS_TEXT[res.status] ?? ''}`.trim() };
  const v = res.version;
  if (v && !v.deleted) {
    if (res.created) response.location = `${v.type}/${v.id}/_history/${v.versionId}`;
    response.etag = etagOf(v.versionId);
    response.lastModified = v.lastUpdated;
  }
  const entry: BundleEntry = {};
  const body: Resource | undefined = res.isWrite ? writeBody(res.resource, preference, res.status, res.issues) : res.resource;
  // Hints and warnings of this entry (https://hl7.org/fhir/R4/bundle-definitions.html#Bundle.entry.response.outcome).
  if (res.issues && res.issues.length > 0) response.outcome = outcome(...res.issues);
  if (body) entry.resource = body as FhirResource;
  entry.response = response;
  return entry;
}
