// update: PUT [base]/[type]/[id] (also update-as-create) and conditional update PUT [base]/[type]?criteria.
// https://hl7.org/fhir/R4/http.html#update
import type { Resource } from 'fhir/r4.js';
import { newId } from '../../core/ids.js';
import { badRequest, multipleMatches, versionConflict } from '../../core/outcomes.js';
import type { FhirRepository, ResourceVersion } from '../../store/repository.js';
import { refuseBundleLocalReferences } from '../bundle-local-refs.js';
import { conditionKey, findMatches } from '../conditional.js';
import { versionFromEtag } from '../etag.js';
import type { FhirContext } from '../fhir-context.js';
import type { FhirRequest, FhirResponse } from '../fhir-request.js';
import { checkWrite, withIssues } from '../lenient-writes.js';
import { copyExact } from '../../core/exact-numbers.js';

export async function update(req: FhirRequest, type: string, id: string, ctx: FhirContext): Promise<FhirResponse> {
  const checked = checkWrite(req, type, ctx, 'u');
  const resource = checked.resource;
  refuseBundleLocalReferences(resource);
  if (resource.id === undefined)
    throw badRequest(`The body of an update must carry the id '${id}'`, `${type}.id`, 'MSG_RESOURCE_ID_MISSING');
  if (resource.id !== id) {
    throw badRequest(`The body's id '${resource.id}' does not match the id '${id}' in the URL`, `${type}.id`, 'MSG_RESOURCE_ID_MISMATCH');
  }
  return withIssues(await ctx.repo.transaction((repo) => updateLocked(repo, resource, req.headers['if-match'])), checked, ctx);
}

export async function conditionalUpdate(req: FhirRequest, type: string, ctx: FhirContext): Promise<FhirResponse> {
  const checked = checkWrite(req, type, ctx, 'u');
  const resource = checked.resource;
  refuseBundleLocalReferences(resource);
  const criteria = req.query.toString();
  return withIssues(
    await ctx.repo.transaction(async (repo) => {
      await repo.lock(conditionKey(type, criteria));
      const matches = await findMatches(repo, ctx, type, req.query);
      if (matches.length > 1)
        throw multipleMatches(`Conditional update criteria '${criteria}' match several ${type} resources`, 'UPDATE_MULTIPLE_MATCHES');
      if (matches.length === 1 && resource.id !== undefined && resource.id !== matches[0].id) {
        throw badRequest(
          `The body's id '${resource.id}' differs from the matching resource ${type}/${matches[0].id}`,
          `${type}.id`,
          'MSG_RESOURCE_ID_MISMATCH',
        );
      }
      const id = matches[0]?.id ?? resource.id ?? newId();
      return updateLocked(repo, copyExact(resource, { ...resource, id }), req.headers['if-match']);
    }),
    checked,
    ctx,
  );
}

/** Writes the next version of `resource` after checking If-Match against the locked current version. */
export async function updateLocked(repo: FhirRepository, resource: Resource, ifMatch: string | undefined): Promise<FhirResponse> {
  const current = await repo.readForUpdate(resource.resourceType, resource.id!);
  checkIfMatch(resource.resourceType, resource.id!, current, ifMatch);
  const version = await repo.write(resource, current, 'PUT');
  const created = !current || current.deleted;
  return { status: created ? 201 : 200, resource: version.resource, version, created, isWrite: true };
}

export function checkIfMatch(type: string, id: string, current: ResourceVersion | undefined, ifMatch: string | undefined): void {
  if (ifMatch === undefined) return;
  const expected = versionFromEtag(ifMatch);
  if (expected === undefined) throw badRequest(`If-Match '${ifMatch}' is not an ETag such as W/"3"`);
  const actual = current && !current.deleted ? current.versionId : 'none';
  if (expected !== actual) throw versionConflict(type, id, expected, actual);
}
