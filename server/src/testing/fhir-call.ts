// Sends a request through the router (handleFhirRequest, the entry point the HTTP layer uses) and answers as a
// client sees it: the status and body, an error as its status and OperationOutcome. For unit tests of fhir/.
import type { OperationOutcome, Resource } from 'fhir/r4.js';
import { OutcomeError } from '../core/outcomes.js';
import type { FhirContext } from '../fhir/fhir-context.js';
import type { FhirMethod, FhirRequest, FhirResponse } from '../fhir/fhir-request.js';
import { handleFhirRequest } from '../fhir/router.js';

export interface CallOptions {
  body?: unknown;
  /** Lower-case header names. */
  headers?: Record<string, string>;
  contentType?: string;
  access?: FhirRequest['access'];
}

export interface CallResult<T extends Resource = Resource> {
  status: number;
  /** The response body (for an error, its OperationOutcome). */
  body?: T;
  /** The successful response as the router gave it (undefined for an error). */
  response?: FhirResponse;
  outcome?: OperationOutcome;
}

/** `target` is the path below the base with its query, e.g. `Patient?name=x` or `Patient/1/_history`. */
export async function call<T extends Resource = Resource>(
  ctx: FhirContext,
  method: FhirMethod,
  target: string,
  opts: CallOptions = {},
): Promise<CallResult<T>> {
  const q = target.indexOf('?');
  const req: FhirRequest = {
    method,
    path: q < 0 ? target : target.slice(0, q),
    query: new URLSearchParams(q < 0 ? '' : target.slice(q + 1)),
    headers: opts.headers ?? {},
    body: opts.body,
    contentType: opts.contentType ?? (opts.body === undefined ? undefined : 'application/fhir+json'),
    access: opts.access,
  };
  try {
    const response = await handleFhirRequest(req, ctx);
    return { status: response.status, body: response.resource as T | undefined, response };
  } catch (err) {
    if (!(err instanceof OutcomeError)) throw err;
    return { status: err.status, body: err.outcome as unknown as T, outcome: err.outcome };
  }
}

/** The diagnostics of an outcome, joined: what an assertion on an error's message reads. */
export const diagnostics = (r: CallResult) => (r.outcome?.issue ?? []).map((i) => i.diagnostics ?? '').join(' | ');

/** A search's total (it asks for one) and the ids of its matches, in order. */
export async function searchOf(ctx: FhirContext, target: string): Promise<{ total: number; ids: string[] }> {
  const res = await call(ctx, 'GET', `${target}${target.includes('?') ? '&' : '?'}_total=accurate`);
  if (res.status !== 200) throw new Error(`${target}: ${res.status} ${diagnostics(res)}`);
  const bundle = res.body as unknown as { total: number; entry?: { resource?: Resource; search?: { mode?: string } }[] };
  return { total: bundle.total, ids: (bundle.entry ?? []).filter((e) => e.search?.mode === 'match').map((e) => e.resource!.id!) };
}
