// Every write is checked against the R4 schema and base definitions before anything is stored (400), then against
// the FibroTrack profiles it claims or, with REQUIRE_PROFILES, its content calls for (422).
// https://hl7.org/fhir/R4/http.html#create (400 for resources that fail basic FHIR validation, 422 for profiles)
import type { OperationOutcomeIssue, Resource } from 'fhir/r4.js';
import { badRequest, invalidResource, issue } from '../core/outcomes.js';
import type { FhirContext } from './fhir-context.js';

export function validateWrite(body: unknown, type: string, ctx: Pick<FhirContext, 'validate' | 'profiles'>): Resource {
  checkWriteBody(body, type);
  const resource = body as Record<string, unknown>;
  const sets = ctx.profiles?.forWrite(resource) ?? [];
  if (passesCoveringProfile(resource, type, sets, ctx)) return body as Resource;
  const errors = ctx.validate(body, type).filter(isError);
  if (errors.length > 0) throw invalidResource(errors, 'invalid');
  checkWriteProfiles(resource, type, sets, ctx);
  return body as Resource;
}

/** The body is a JSON object of the endpoint's type: what any write, lenient or not, must be. */
export function checkWriteBody(body: unknown, type: string): void {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw badRequest(`The request body must be a ${type} resource (a JSON object)`);
  }
  const resourceType = (body as { resourceType?: unknown }).resourceType;
  if (resourceType !== type) {
    throw badRequest(
      `The body's resourceType '${String(resourceType)}' does not match the ${type} endpoint it was sent to`,
      'resourceType',
      'MSG_RESOURCE_TYPE_MISMATCH',
    );
  }
}

const isError = (i: OperationOutcomeIssue) => i.severity === 'error' || i.severity === 'fatal';

/**
 * A write held to one profile that covers the base definition (as the FibroTrack profiles do) is walked once, against
 * the profile with the core invariants: passing that is passing both. Failing it, the checks below run as ever, so
 * that the answer (400 for the base, 422 for the profile, and its issues) is what it always was.
 */
function passesCoveringProfile(
  resource: Record<string, unknown>,
  type: string,
  sets: string[][],
  ctx: Pick<FhirContext, 'profiles'>,
): boolean {
  const profiles = ctx.profiles;
  if (!profiles || sets.length !== 1 || sets[0].length !== 1 || !profiles.coversBase(sets[0][0])) return false;
  return !profiles.validate(resource, type, { profiles: sets[0], errorsOnly: true, base: 'covered' }).some(isError);
}

/** Each profile set (forWrite) is a list of alternatives, one of which must pass; the base checks above already passed. */
function checkWriteProfiles(resource: Record<string, unknown>, type: string, sets: string[][], ctx: Pick<FhirContext, 'profiles'>): void {
  const profiles = ctx.profiles;
  if (!profiles) return;
  for (const alternatives of sets) {
    const results = alternatives.map((url) =>
      profiles.validate(resource, type, { profiles: [url], errorsOnly: true, base: false }).filter(isError),
    );
    if (results.some((errors) => errors.length === 0)) continue;
    const lead = issue({
      code: 'processing',
      diagnostics: `${type} does not meet the profile ${alternatives.length > 1 ? `(one of ${alternatives.join(', ')})` : alternatives[0]}${profiles.isClaimed(resource, alternatives) ? ' it claims in meta.profile' : ' this server requires for it (REQUIRE_PROFILES)'}`,
      expression: type,
    });
    throw invalidResource([lead, ...results[0]], 'unprocessable');
  }
}
