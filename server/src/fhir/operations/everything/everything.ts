// Patient/$everything: GET|POST [base]/Patient/[id]/$everything, the patient's whole record as a searchset.
// https://hl7.org/fhir/R4/patient-operation-everything.html
import type { Resource } from 'fhir/r4.js';
import type { EverythingQuery, Page } from '../../../store/repository.js';
import { pageLinks, searchsetBundle } from '../../bundles.js';
import type { FhirContext } from '../../fhir-context.js';
import type { FhirRequest, FhirResponse } from '../../fhir-request.js';
import { readEverythingParams, type EverythingParams } from './everything-params.js';
import { patientRecord } from './patient-record.js';

export async function patientEverything(req: FhirRequest, id: string, ctx: FhirContext): Promise<FhirResponse> {
  const params = readEverythingParams(req, ctx.defs);
  const page = await ctx.repo.everything(everythingQuery(params, id, ctx));
  return everythingResponse(ctx, `Patient/${id}/$everything`, params, page);
}

export function everythingQuery(params: EverythingParams, patient: string, ctx: FhirContext): EverythingQuery {
  const care = params.start || params.end ? { start: params.start, end: params.end } : undefined;
  return {
    patient,
    members: patientRecord(ctx.defs),
    types: params.types,
    since: params.since,
    care,
    count: params.count,
    cursor: params.cursor,
  };
}

export function everythingResponse(ctx: FhirContext, path: string, params: EverythingParams, page: Page<Resource>): FhirResponse {
  const bundle = searchsetBundle(ctx, page, pageLinks(ctx, path, params.query, page.nextCursor));
  return { status: 200, resource: bundle, shape: true };
}
