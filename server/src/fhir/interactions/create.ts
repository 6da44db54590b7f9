// create: POST [base]/[type], conditional with If-None-Exist. https://hl7.org/fhir/R4/http.html#create
import { newId } from '../../core/ids.js';
import { multipleMatches } from '../../core/outcomes.js';
import { refuseBundleLocalReferences } from '../bundle-local-refs.js';
import { conditionKey, findMatches } from '../conditional.js';
import type { FhirContext } from '../fhir-context.js';
import type { FhirRequest, FhirResponse } from '../fhir-request.js';
import { checkWrite, withIssues } from '../lenient-writes.js';
import { copyExact } from '../../core/exact-numbers.js';
import { isRawBody, rawCreate } from './binary-raw.js';

export async function create(req: FhirRequest, type: string, ctx: FhirContext): Promise<FhirResponse> {
  if (type === 'Binary' && isRawBody(req)) return rawCreate(req, ctx);
  // The server assigns the id; one in the body is ignored, as the spec requires.
  const checked = checkWrite(req, type, ctx, 'c');
  const resource = copyExact(checked.resource, { ...checked.resource, id: newId() });
  refuseBundleLocalReferences(resource);
  const ifNoneExist = req.headers['if-none-exist'];
  const res = await ctx.repo.transaction(async (repo): Promise<FhirResponse> => {
    if (ifNoneExist) {
      await repo.lock(conditionKey(type, ifNoneExist));
      const matches = await findMatches(repo, ctx, type, ifNoneExist);
      if (matches.length > 1) {
        throw multipleMatches(`If-None-Exist '${ifNoneExist}' matches ${matches.length} or more ${type} resources`);
      }
      if (matches.length === 1) {
        const existing = await repo.read(type, matches[0].id!);
        // A match the token may search but not read (a constrained r scope) is answered without its content.
        return { status: 200, resource: existing?.resource, version: existing, isWrite: true };
      }
    }
    const version = await repo.write(resource, undefined, 'POST');
    return { status: 201, resource: version.resource, version, created: true, isWrite: true };
  });
  // A conditional create that found its match stored nothing.
  return res.created ? withIssues(res, checked, ctx) : res;
}
