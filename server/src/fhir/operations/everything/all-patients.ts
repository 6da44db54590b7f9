// Patient/$everything at type level: GET [base]/Patient/$everything, the record of every patient the caller may
// search, patient after patient (each in Patient order, as a Patient search pages them).
// https://hl7.org/fhir/R4/patient-operation-everything.html
import type { Resource } from 'fhir/r4.js';
import { OutcomeError, invalidParameter } from '../../../core/outcomes.js';
import { parseSearch } from '../../../search/parse-search.js';
import type { Page } from '../../../store/repository.js';
import type { FhirContext } from '../../fhir-context.js';
import type { FhirRequest, FhirResponse } from '../../fhir-request.js';
import { everythingQuery, everythingResponse } from './everything.js';
import { readEverythingParams } from './everything-params.js';

/** Where paging stands: patient `p`, at its own cursor `c`; `n` is the Patient search's cursor after `p`. */
interface Position {
  p: string;
  n?: string;
  c?: string;
}

export async function allPatientsEverything(req: FhirRequest, ctx: FhirContext): Promise<FhirResponse> {
  const params = readEverythingParams(req, ctx.defs);
  let at = params.cursor !== undefined ? decode(params.cursor) : await patientAfter(ctx, undefined);
  const items: Resource[] = [];
  let next: Position | undefined;
  while (at) {
    if (items.length >= params.count) {
      next = at;
      break;
    }
    const page = await pageOf(ctx, { ...params, count: params.count - items.length, cursor: at.c }, at.p);
    items.push(...page.items);
    if (page.nextCursor) {
      next = { ...at, c: page.nextCursor };
      break;
    }
    at = at.n === undefined ? undefined : await patientAfter(ctx, at.n);
  }
  const page: Page<Resource> = { items };
  if (next) page.nextCursor = Buffer.from(JSON.stringify(next)).toString('base64url');
  else if (params.cursor === undefined) page.total = items.length;
  return everythingResponse(ctx, 'Patient/$everything', params, page);
}

/** One patient's page; a patient deleted (or hidden) since the last page has nothing left to give. */
async function pageOf(ctx: FhirContext, params: Parameters<typeof everythingQuery>[0], patient: string): Promise<Page<Resource>> {
  try {
    return await ctx.repo.everything(everythingQuery(params, patient, ctx));
  } catch (err) {
    if (err instanceof OutcomeError && err.status === 404) return { items: [] };
    throw err;
  }
}

/** The next Patient the caller may search, after the search cursor `cursor` (the first without one). */
async function patientAfter(ctx: FhirContext, cursor: string | undefined): Promise<Position | undefined> {
  const request = parseSearch('Patient', new URLSearchParams(), ctx.defs);
  Object.assign(request, { count: 1, cursor, total: 'none' });
  const page = await ctx.repo.search(request);
  const patient = page.items[0];
  return patient ? { p: patient.id!, n: page.nextCursor } : undefined;
}

function decode(cursor: string): Position {
  try {
    const at = JSON.parse(Buffer.from(cursor, 'base64url').toString()) as Position;
    const optional = (v: unknown) => v === undefined || typeof v === 'string';
    if (typeof at.p === 'string' && optional(at.n) && optional(at.c)) return at;
  } catch {
    // answered below
  }
  throw invalidParameter(`Invalid paging cursor '${cursor}'`, '_cursor');
}
