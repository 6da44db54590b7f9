// search: GET [base]/[type]?params and POST [base]/[type]/_search. https://hl7.org/fhir/R4/http.html#search
import type { OperationOutcome } from 'fhir/r4.js';
import { badRequest } from '../../core/outcomes.js';
import { issue, outcome } from '../../core/outcomes.js';
import { parseSearch } from '../../search/parse-search.js';
import type { CompartmentScope } from '../../search/search-request.js';
import { resolveCodes } from '../../search/resolve-codes.js';
import { pageLinks, searchsetBundle } from '../bundles.js';
import type { FhirContext } from '../fhir-context.js';
import type { FhirRequest, FhirResponse } from '../fhir-request.js';

export async function searchType(req: FhirRequest, type: string, ctx: FhirContext, compartment?: CompartmentScope): Promise<FhirResponse> {
  const params = searchParams(req);
  const lenient = /handling\s*=\s*lenient/.test(req.headers.prefer ?? '');
  const parsed = parseSearch(type, params, ctx.defs, { lenient });
  parsed.compartment = compartment;
  // _summary=count asks for the number of matches only: no page, so no next link, and always the total.
  // https://hl7.org/fhir/R4/search.html#summary
  if (params.getAll('_summary').includes('count')) Object.assign(parsed, { count: 0, total: 'accurate', include: [], revinclude: [] });
  const request = await resolveCodes(parsed, ctx.terminology);
  const page = await ctx.repo.search(request);
  const extra = request.ignored.length > 0 ? [ignoredEntry(request.ignored)] : [];
  const path = compartment ? `${compartment.type}/${compartment.id}/${type}` : type;
  const bundle = searchsetBundle(ctx, page, pageLinks(ctx, path, params, page.nextCursor), extra);
  return { status: 200, resource: bundle, shape: true };
}

/** Compartment search: GET [base]/Patient/[id]/Observation?params. https://hl7.org/fhir/R4/compartmentdefinition.html */
export async function searchCompartment(
  req: FhirRequest,
  owner: string,
  id: string,
  type: string,
  ctx: FhirContext,
): Promise<FhirResponse> {
  if (!ctx.defs.compartmentTypes.includes(owner)) {
    throw badRequest(`${owner} is not a compartment; compartments are ${ctx.defs.compartmentTypes.join(', ')}`);
  }
  const params = ctx.defs.compartmentParams(owner, type);
  if (params.length === 0) throw badRequest(`${type} resources are not in the ${owner} compartment`);
  return searchType(req, type, ctx, { type: owner, id, params });
}

/** POST _search sends the parameters as a form body; they join any in the URL. */
function searchParams(req: FhirRequest): URLSearchParams {
  if (req.method !== 'POST') return req.query;
  if (req.contentType !== 'application/x-www-form-urlencoded') {
    throw badRequest('POST _search takes its parameters as application/x-www-form-urlencoded');
  }
  const params = new URLSearchParams(req.query);
  for (const [k, v] of new URLSearchParams(typeof req.body === 'string' ? req.body : '')) params.append(k, v);
  return params;
}

function ignoredEntry(ignored: string[]) {
  const oo: OperationOutcome = outcome(
    ...ignored.map((name) =>
      issue({
        severity: 'warning',
        code: 'not-supported',
        diagnostics: `Search parameter '${name}' was ignored`,
        expression: name,
        messageId: 'MSG_PARAM_UNKNOWN',
      }),
    ),
  );
  return { resource: oo, search: { mode: 'outcome' as const } };
}
