// Patient/[id]/$connect-fitbit (the Fitbit authorization URL for this patient) and Patient/[id]/$sync-fitbit
// (an incremental pull, answered with its summary). Both are instance operations on Patient, so the
// resource server's rule "a patient acts only on their own record" covers them like $import-wearable.
// https://fhir.fibrotrack.org/OperationDefinition/connect-fitbit, https://fhir.fibrotrack.org/OperationDefinition/sync-fitbit
import type { Parameters, ParametersParameter } from 'fhir/r4.js';
import { IANAZone } from 'luxon';
import { invalidParameter, notPermitted, unknownParameter } from '../../core/outcomes.js';
import type { FhirContext } from '../../fhir/fhir-context.js';
import type { FhirRequest, FhirResponse } from '../../fhir/fhir-request.js';
import { requirePatient } from '../../fhir/operations/import-wearable/import-wearable.js';
import { summaryParameters } from '../../fhir/operations/import-wearable/import-summary.js';
import { fitbitOf, wearablesOf } from '../wearable-services.js';
import { authorizeUrl, randomToken } from './fitbit-oauth.js';
import { syncFitbit, type SyncResult } from './fitbit-sync.js';

export async function connectFitbit(req: FhirRequest, patientId: string, ctx: FhirContext): Promise<FhirResponse> {
  const fitbit = fitbitOf(wearablesOf(ctx));
  const { timeZone } = queryParams(req.query, ['timeZone']);
  // AUTH_MODE=smart: the user behind the token is the one who must confirm the link (fitbit-confirm.ts).
  if (req.access && !req.access.subject) throw notPermitted('Linking a Fitbit account needs the token of a signed-in user, who confirms the link in the browser');
  await requirePatient(ctx, patientId);
  const state = randomToken();
  const codeVerifier = randomToken();
  await fitbit.store.saveState(state, { patientId, codeVerifier, timeZone, startedBy: req.access?.subject });
  const answer: Parameters = { resourceType: 'Parameters', parameter: [{ name: 'authorizeUrl', valueUri: authorizeUrl(fitbit.config, fitbit.redirectUri, state, codeVerifier) }] };
  return { status: 200, resource: answer };
}

export async function syncFitbitOperation(req: FhirRequest, patientId: string, ctx: FhirContext): Promise<FhirResponse> {
  const services = wearablesOf(ctx);
  const fitbit = fitbitOf(services);
  const { timeZone, until } = queryParams(req.query, ['timeZone', 'until']);
  await requirePatient(ctx, patientId);
  const result = await syncFitbit({ patientId, timeZone, until }, services.ctx, fitbit.store, fitbit.config, services.config.batchSize);
  return { status: 200, resource: summaryParameters(result.summary, syncParameters(result)) };
}

export function syncParameters(r: SyncResult): ParametersParameter[] {
  return [
    { name: 'complete', valueBoolean: r.complete },
    { name: 'requests', valueInteger: r.requests },
    ...(r.resumeAt ? [{ name: 'resumeAfter', valueInstant: r.resumeAt.toISOString() }, { name: 'reason', valueString: r.reason }] : []),
    ...Object.entries(r.syncedThrough).map(([type, day]) => ({ name: 'syncedThrough', part: [{ name: 'type', valueCode: type }, { name: 'day', valueDate: day }] })),
  ];
}

function queryParams(query: URLSearchParams, known: string[]): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const key of query.keys()) {
    if (!known.includes(key) && key !== '_format' && key !== '_pretty') throw unknownParameter(`Unknown parameter '${key}'; this operation takes ${known.join(', ')}`, key);
  }
  for (const name of known) out[name] = query.get(name) ?? undefined;
  if (out.timeZone !== undefined && !IANAZone.isValidZone(out.timeZone)) throw invalidParameter(`timeZone '${out.timeZone}' is not an IANA time zone`, 'timeZone');
  return out;
}
