// patch: PATCH [base]/[type]/[id] (JSON Patch or FHIRPath Patch), conditional patch PATCH [base]/[type]?criteria.
// https://hl7.org/fhir/R4/http.html#patch
import type { Binary } from 'fhir/r4.js';
import { badRequest, gone, notFound, multipleMatches } from '../../core/outcomes.js';
import type { FhirRepository } from '../../store/repository.js';
import { refuseBundleLocalReferences } from '../bundle-local-refs.js';
import { findMatches } from '../conditional.js';
import type { FhirContext } from '../fhir-context.js';
import type { FhirRequest, FhirResponse } from '../fhir-request.js';
import { applyPatch } from '../patch/index.js';
import { validateWrite } from '../validate-write.js';
import { checkIfMatch } from './update.js';

export async function patch(req: FhirRequest, type: string, id: string, ctx: FhirContext): Promise<FhirResponse> {
  return ctx.repo.transaction((repo) => patchLocked(repo, req, type, id, ctx));
}

export async function conditionalPatch(req: FhirRequest, type: string, ctx: FhirContext): Promise<FhirResponse> {
  return ctx.repo.transaction(async (repo) => {
    const matches = await findMatches(repo, ctx, type, req.query);
    if (matches.length === 0) throw notFound(type, `?${req.query.toString()}`);
    if (matches.length > 1) throw multipleMatches(`Conditional patch criteria '${req.query.toString()}' match several ${type} resources`);
    return patchLocked(repo, req, type, matches[0].id!, ctx);
  });
}

async function patchLocked(repo: FhirRepository, req: FhirRequest, type: string, id: string, ctx: FhirContext): Promise<FhirResponse> {
  const current = await repo.readForUpdate(type, id);
  if (!current) throw notFound(type, id);
  if (current.deleted) throw gone(type, id, current.versionId);
  checkIfMatch(type, id, current, req.headers['if-match']);
  // The lock read leaves a Binary's content in the blob store: a patch works on the whole resource.
  const resource = type === 'Binary' && ctx.binary ? await ctx.binary.hydrate(current.resource as Binary) : current.resource!;
  const patched = applyPatch(resource, req.contentType ?? '', req.body);
  if (patched.resourceType !== type || patched.id !== id) {
    throw badRequest('A patch may not change the resource type or id', `${type}.id`);
  }
  const checked = validateWrite(patched, type, ctx);
  refuseBundleLocalReferences(checked);
  const version = await repo.write(checked, current, 'PATCH');
  return { status: 200, resource: version.resource, version, isWrite: true };
}
