// read: GET [base]/[type]/[id], with If-None-Match / If-Modified-Since. https://hl7.org/fhir/R4/http.html#read
import { gone, notFound } from '../../core/outcomes.js';
import { versionFromEtag } from '../etag.js';
import type { FhirContext } from '../fhir-context.js';
import type { FhirRequest, FhirResponse } from '../fhir-request.js';
import { binaryResponse, contentLater } from './binary-raw.js';

/** What /metadata declares: If-None-Match and If-Modified-Since, each answered 304 below. */
export const CONDITIONAL_READ = 'full-support' as const;

export async function read(req: FhirRequest, type: string, id: string, ctx: FhirContext): Promise<FhirResponse> {
  const later = contentLater(type, ctx);
  const version = await ctx.repo.read(type, id, later);
  if (!version) throw notFound(type, id);
  if (version.deleted) throw gone(type, id, version.versionId);
  if (notModified(req, version.versionId, version.lastUpdated)) return { status: 304, version };
  if (later) return binaryResponse(req, version, ctx);
  return { status: 200, resource: version.resource, version, shape: true };
}

function notModified(req: FhirRequest, versionId: string, lastUpdated: string): boolean {
  const noneMatch = req.headers['if-none-match'];
  if (noneMatch !== undefined) {
    return noneMatch.trim() === '*' || noneMatch.split(',').some((tag) => versionFromEtag(tag) === versionId);
  }
  const since = req.headers['if-modified-since'];
  if (since !== undefined) {
    const t = Date.parse(since);
    // HTTP dates have second precision; a change within the same second counts as not after it.
    return !Number.isNaN(t) && Math.floor(Date.parse(lastUpdated) / 1000) * 1000 <= t;
  }
  return false;
}
