// $validate: POST [base]/[type]/$validate and GET|POST [base]/[type]/[id]/$validate, with profile and mode
// (create, update, delete, profile). Answers 200 with an OperationOutcome whether or not the resource is valid; a
// 4xx means the validation itself could not be done. https://hl7.org/fhir/R4/resource-operation-validate.html
import type { OperationOutcomeIssue } from 'fhir/r4.js';
import { allOk, badRequest, issue, notFound, outcome, unprocessable } from '../../../core/outcomes.js';
import type { FhirContext } from '../../fhir-context.js';
import type { FhirRequest, FhirResponse } from '../../fhir-request.js';
import { claimedProfiles } from '../../../validation/resource-validator.js';
import { readValidateInput } from './validate-input.js';

export async function validateOperation(req: FhirRequest, type: string, id: string | undefined, ctx: FhirContext): Promise<FhirResponse> {
  const input = readValidateInput(req, type);
  if (input.profile && ctx.profiles && !ctx.profiles.isKnown(input.profile)) {
    throw notFoundProfile(input.profile);
  }
  if (input.mode === 'delete') return validateDelete(type, id, input.resource, ctx);
  let resource = input.resource;
  if (resource === undefined) {
    if (!id) throw badRequest('$validate needs a resource: send it as the body, or as the resource parameter of a Parameters body');
    const current = await ctx.repo.read(type, id);
    if (!current || current.deleted) throw notFound(type, id);
    resource = current.resource;
  }
  const issues: OperationOutcomeIssue[] = [];
  const body = resource as { resourceType?: unknown; id?: unknown };
  if (input.mode === 'update' || (id && input.resource !== undefined)) {
    if (typeof body?.id !== 'string') {
      issues.push(
        issue({ code: 'required', diagnostics: `${type}.id: an update must carry the id of the resource`, expression: `${type}.id` }),
      );
    } else if (id && body.id !== id) {
      issues.push(
        issue({
          code: 'value',
          diagnostics: `${type}.id: the resource's id '${body.id}' differs from '${id}' in the URL`,
          expression: `${type}.id`,
        }),
      );
    }
  }
  const options = { profiles: input.profile ? [input.profile] : [], claimed: true };
  issues.push(...(ctx.profiles ? ctx.profiles.validate(resource, type, options) : ctx.validate(resource, type)));
  if (input.mode === 'create' || input.mode === 'update') issues.push(...writeProfileIssues(resource, type, ctx));
  return { status: 200, resource: issues.length > 0 ? outcome(...issues) : allOk('The resource is valid') };
}

/** What a write would refuse beyond what validation found: a FibroTrack profile the content calls for (REQUIRE_PROFILES). */
function writeProfileIssues(resource: unknown, type: string, ctx: FhirContext): OperationOutcomeIssue[] {
  const profiles = ctx.profiles;
  if (!profiles || typeof resource !== 'object' || resource === null) return [];
  const r = resource as Record<string, unknown>;
  const claimed = new Set(claimedProfiles(r).map((p) => p.split('|')[0]));
  const out: OperationOutcomeIssue[] = [];
  for (const alternatives of profiles.forWrite(r)) {
    // Claimed profiles were validated above.
    if (alternatives.length === 1 && claimed.has(alternatives[0])) continue;
    const results = alternatives.map((url) =>
      profiles.validate(resource, type, { profiles: [url], errorsOnly: true, base: false }).filter(isError),
    );
    if (results.some((found) => found.length === 0)) continue;
    out.push(
      issue({
        code: 'processing',
        diagnostics: `${type}: this server requires such resources to meet ${alternatives.length > 1 ? 'one of ' : ''}${alternatives.join(', ')} (REQUIRE_PROFILES), and this one does not`,
        expression: type,
      }),
      ...results[0],
    );
  }
  return out;
}

async function validateDelete(type: string, id: string | undefined, resource: unknown, ctx: FhirContext): Promise<FhirResponse> {
  const target = id ?? (resource as { id?: unknown } | undefined)?.id;
  if (typeof target !== 'string') throw badRequest('mode=delete needs the resource id: POST [type]/[id]/$validate?mode=delete');
  const current = await ctx.repo.read(type, target);
  if (!current || current.deleted) throw notFound(type, target);
  // Deletes are not held to referential integrity here (references to a deleted resource stay as they are).
  return { status: 200, resource: allOk(`${type}/${target} can be deleted`) };
}

const isError = (i: OperationOutcomeIssue) => i.severity === 'error' || i.severity === 'fatal';

function notFoundProfile(url: string) {
  const err = unprocessable(
    `Profile ${url} is not known to this server; see GET [base]/StructureDefinition for the ones it holds`,
    'profile',
  );
  err.outcome.issue[0].code = 'not-found';
  return err;
}
