// Every write is checked against the R4 schema and base definitions before anything is stored (400), then against
// the FibroTrack profiles it claims or, with REQUIRE_PROFILES, its content calls for (422).
// https://hl7.org/fhir/R4/http.html#create (400 for resources that fail basic FHIR validation, 422 for profiles)
import type { Resource } from 'fhir/r4.js';
import { badRequest, invalidResource, issue } from '../core/outcomes.js';
import type { FhirContext } from './fhir-context.js';

export function validateWrite(body: unknown, type: string, ctx: Pick<FhirContext, 'validate' | 'profiles'>): Resource {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw badRequest(`The request body must be a ${type} resource (a JSON object)`);
  }
  const resourceType = (body as { resourceType?: unknown }).resourceType;
  if (resourceType !== type) {
    throw badRequest(
      `The body's resourceType '${String(resourceType)}' does not match the ${type} endpoint it was sent to`,
      'resourceType',
    );
  }
  const errors = ctx.validate(body, type).filter((i) => i.severity === 'error' || i.severity === 'fatal');
  if (errors.length > 0) throw invalidResource(errors, 400);
  checkWriteProfiles(body as Record<string, unknown>, type, ctx);
  return body as Resource;
}

/** Each profile set is a list of alternatives, one of which must pass; the base checks above already passed. */
function checkWriteProfiles(resource: Record<string, unknown>, type: string, ctx: Pick<FhirContext, 'profiles'>): void {
  const profiles = ctx.profiles;
  if (!profiles) return;
  for (const alternatives of profiles.forWrite(resource)) {
    const results = alternatives.map((url) =>
      profiles.validate(resource, type, { profiles: [url], errorsOnly: true, base: false }).filter((i) => i.severity === 'error' || i.severity === 'fatal'),
    );
    if (results.some((errors) => errors.length === 0)) continue;
    const lead = issue({
      code: 'processing',
      diagnostics: `${type} does not meet the profile ${alternatives.length > 1 ? `(one of ${alternatives.join(', ')})` : alternatives[0]}${profiles.isClaimed(resource, alternatives) ? ' it claims in meta.profile' : ' this server requires for it (REQUIRE_PROFILES)'}`,
      expression: type,
    });
    throw invalidResource([lead, ...results[0]], 422);
  }
}
