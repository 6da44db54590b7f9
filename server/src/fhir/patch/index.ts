// Picks the patch format from the request's Content-Type: JSON Patch or FHIRPath Patch.
// https://hl7.org/fhir/R4/http.html#patch
import type { Resource } from 'fhir/r4.js';
import { issue, outcome, OutcomeError } from '../../core/outcomes.js';
import { applyFhirPathPatch } from './fhirpath-patch.js';
import { applyJsonPatch } from './json-patch.js';

export { applyFhirPathPatch } from './fhirpath-patch.js';
export { applyJsonPatch } from './json-patch.js';

const JSON_PATCH = 'application/json-patch+json';
const FHIR_JSON = new Set(['application/fhir+json', 'application/json']);

/** Returns the patched copy; `resource` itself is never modified, and a failing patch changes nothing. */
export function applyPatch(resource: Resource, contentType: string, body: unknown): Resource {
  // Callers may pass the raw header: parameters such as charset and letter case do not change the format.
  const type = contentType.split(';')[0].trim().toLowerCase();
  if (type === JSON_PATCH) return applyJsonPatch(resource, body);
  if (FHIR_JSON.has(type) && isParameters(body)) return applyFhirPathPatch(resource, body);
  const diagnostics = FHIR_JSON.has(type)
    ? `PATCH with ${type} must carry a FHIRPath Patch Parameters resource; send JSON Patch as ${JSON_PATCH}`
    : `PATCH Content-Type '${contentType || '(none)'}' is not supported; use ${JSON_PATCH} (JSON Patch) or application/fhir+json (FHIRPath Patch)`;
  throw new OutcomeError('unsupported-media-type', outcome(issue({ code: 'not-supported', diagnostics })));
}

function isParameters(body: unknown): boolean {
  return typeof body === 'object' && body !== null && (body as { resourceType?: unknown }).resourceType === 'Parameters';
}
