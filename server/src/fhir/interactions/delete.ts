// delete: DELETE [base]/[type]/[id] and conditional delete DELETE [base]/[type]?criteria.
// https://hl7.org/fhir/R4/http.html#delete
import { multipleMatches } from '../../core/outcomes.js';
import type { FhirRepository } from '../../store/repository.js';
import { findMatches } from '../conditional.js';
import type { FhirContext } from '../fhir-context.js';
import type { FhirRequest, FhirResponse } from '../fhir-request.js';
import { checkIfMatch } from './update.js';

export async function deleteInstance(req: FhirRequest, type: string, id: string, ctx: FhirContext): Promise<FhirResponse> {
  return ctx.repo.transaction((repo) => deleteLocked(repo, type, id, req.headers['if-match']));
}

export async function conditionalDelete(req: FhirRequest, type: string, ctx: FhirContext): Promise<FhirResponse> {
  return ctx.repo.transaction(async (repo) => {
    const matches = await findMatches(repo, ctx, type, req.query);
    if (matches.length > 1) {
      throw multipleMatches(
        `Conditional delete criteria '${req.query.toString()}' match several ${type} resources`,
        'DELETE_MULTIPLE_MATCHES',
      );
    }
    if (matches.length === 0) return { status: 204 };
    return deleteLocked(repo, type, matches[0].id!, req.headers['if-match']);
  });
}

/** Deleting what does not exist, or is already deleted, succeeds without writing a version. */
async function deleteLocked(repo: FhirRepository, type: string, id: string, ifMatch: string | undefined): Promise<FhirResponse> {
  const current = await repo.readForUpdate(type, id);
  checkIfMatch(type, id, current, ifMatch);
  if (!current || current.deleted) return { status: 204 };
  const version = await repo.remove(current);
  return { status: 204, version };
}
