// $lastn: GET [base]/Observation/$lastn?patient=..&category=..|code=..&max=n, the latest n Observations
// per code. https://hl7.org/fhir/R4/operation-observation-lastn.html
import { badRequest, invalidParameter, unknownParameter } from '../../../core/outcomes.js';
import { parseSearch } from '../../../search/parse-search.js';
import type { SearchCriterion } from '../../../search/search-request.js';
import { resolveCodes } from '../../../search/resolve-codes.js';
import { pageLinks, searchsetBundle } from '../../bundles.js';
import type { FhirContext } from '../../fhir-context.js';
import type { FhirRequest, FhirResponse } from '../../fhir-request.js';

const MAX_PER_CODE = 100;

export async function lastn(req: FhirRequest, ctx: FhirContext): Promise<FhirResponse> {
  const params = new URLSearchParams(req.query);
  const max = parseMax(params.get('max'));
  params.delete('max');
  for (const unsupported of ['_sort', '_count', '_cursor']) {
    if (params.has(unsupported)) throw unknownParameter(`$lastn does not take ${unsupported}`, unsupported);
  }
  const request = await resolveCodes(parseSearch('Observation', params, ctx.defs), ctx.terminology);
  const has = (codes: string[]) => request.criteria.some((c: SearchCriterion) => c.kind !== 'has' && codes.includes(c.def.code));
  if (!has(['patient', 'subject'])) throw badRequest('$lastn needs a patient or subject parameter', 'patient');
  if (!has(['category', 'code'])) throw badRequest('$lastn needs a category or code parameter', 'category');
  const items = await ctx.repo.lastn(request, max);
  const bundle = searchsetBundle(ctx, { items, total: items.length }, pageLinks(ctx, 'Observation/$lastn', req.query));
  return { status: 200, resource: bundle, shape: true };
}

function parseMax(value: string | null): number {
  if (value === null) return 1;
  if (!/^[1-9]\d*$/.test(value) || Number(value) > MAX_PER_CODE) {
    throw invalidParameter(`max must be a whole number from 1 to ${MAX_PER_CODE}, got '${value}'`, 'max');
  }
  return Number(value);
}
