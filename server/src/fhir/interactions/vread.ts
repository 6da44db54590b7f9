// vread: GET [base]/[type]/[id]/_history/[vid]. https://hl7.org/fhir/R4/http.html#vread
import { gone, versionNotFound } from '../../core/outcomes.js';
import type { FhirContext } from '../fhir-context.js';
import type { FhirRequest, FhirResponse } from '../fhir-request.js';
import { binaryResponse, contentLater } from './binary-raw.js';

export async function vread(req: FhirRequest, type: string, id: string, vid: string, ctx: FhirContext): Promise<FhirResponse> {
  const later = contentLater(type, ctx);
  const version = await ctx.repo.vread(type, id, vid, later);
  if (!version) throw versionNotFound(type, id, vid);
  if (version.deleted) throw gone(type, id, version.versionId);
  if (later) return binaryResponse(req, version, ctx);
  return { status: 200, resource: version.resource, version, shape: true };
}
