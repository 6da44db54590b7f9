// batch and transaction: POST [base] with a Bundle. https://hl7.org/fhir/R4/http.html#transaction
import { loggableError } from '../../audit/loggable.js';
import type { Bundle, BundleEntry } from 'fhir/r4.js';
import { OutcomeError, badRequest, issue, outcome } from '../../core/outcomes.js';
import { unavailableOutcome } from '../../core/unavailable.js';
import { entryRequest, entryResponse, type BundleRequest } from '../bundle-entry.js';
import type { FhirContext } from '../fhir-context.js';
import type { FhirRequest, FhirResponse } from '../fhir-request.js';
import { returnPreference, type ReturnPreference } from '../prefer.js';
import { transaction } from './transaction.js';

export async function processBundle(req: FhirRequest, ctx: FhirContext): Promise<FhirResponse> {
  const bundle = req.body as Bundle | undefined;
  if (!bundle || typeof bundle !== 'object' || bundle.resourceType !== 'Bundle') {
    throw badRequest('POST to the base URL takes a Bundle of type batch or transaction', 'resourceType');
  }
  if (bundle.entry !== undefined && !Array.isArray(bundle.entry)) throw badRequest('Bundle.entry must be an array', 'Bundle.entry');
  // Entries are answered minimally unless the client prefers otherwise: a 500-entry echo is rarely wanted.
  const preference = returnPreference(req.headers.prefer, 'minimal');
  if (bundle.type === 'transaction') return { status: 200, resource: await transaction(bundle, preference, ctx, { outer: req }) };
  if (bundle.type === 'batch') return { status: 200, resource: await batch(bundle, preference, ctx, req) };
  throw badRequest(`Bundle.type must be batch or transaction, got '${String(bundle.type)}'`, 'Bundle.type');
}

/** Each entry succeeds or fails on its own (dispatched by the context's router); a failure becomes that entry's status and OperationOutcome. */
async function batch(bundle: Bundle, preference: ReturnPreference, ctx: FhirContext, outer: BundleRequest): Promise<Bundle> {
  const entries: BundleEntry[] = [];
  for (const [i, entry] of (bundle.entry ?? []).entries()) {
    try {
      entries.push(entryResponse(await ctx.router.handle(entryRequest(entry, i, ctx.baseUrl, outer), ctx), preference));
    } catch (err) {
      const failure = err instanceof OutcomeError ? err : internalFailure(err);
      entries.push({ response: { status: String(failure.status), outcome: failure.outcome } });
    }
  }
  return { resourceType: 'Bundle', type: 'batch-response', entry: entries };
}

function internalFailure(err: unknown): OutcomeError {
  const unavailable = unavailableOutcome(err);
  if (unavailable) return unavailable;
  console.error('batch entry failed', loggableError(err));
  return new OutcomeError('internal', outcome(issue({ code: 'exception', diagnostics: 'Internal error processing this entry' })));
}
