// Patient/[id]/$connect-fitbit (the Fitbit authorization URL for this patient), Patient/[id]/$sync-fitbit (an
// incremental pull, answered with its summary) and Patient/[id]/$disconnect-fitbit (unlinks the account: the link,
// its tokens and sync cursors are deleted, then the tokens revoked at Fitbit, best effort; a Fitbit that fails or
// does not answer in time is reported in the answer and never keeps the link). All three are instance operations
// on Patient, so the resource server's rule "a patient acts only on their own record" covers them like
// $import-wearable; the work is the wearable import's (server/src/wearables/fitbit).
// https://fhir.fibrotrack.org/OperationDefinition/connect-fitbit, https://fhir.fibrotrack.org/OperationDefinition/sync-fitbit,
// https://fhir.fibrotrack.org/OperationDefinition/disconnect-fitbit
import type { Parameters } from 'fhir/r4.js';
import { IANAZone } from 'luxon';
import { OutcomeError, invalidParameter, issue, notPermitted, notSupported, outcome, unknownParameter } from '../../../core/outcomes.js';
import type { FhirContext } from '../../fhir-context.js';
import type { FhirRequest, FhirResponse } from '../../fhir-request.js';
import { requirePatient } from '../require-patient.js';
import { FITBIT_NOT_CONFIGURED, type FitbitPort, type WearablePort } from '../import-wearable/wearable-port.js';

export async function connectFitbit(req: FhirRequest, patientId: string, ctx: FhirContext, port: WearablePort): Promise<FhirResponse> {
  const fitbit = fitbitOf(port);
  const { timeZone } = queryParams(req.query, ['timeZone']);
  // AUTH_MODE=smart: the user behind the token is the one who must confirm the link (fitbit-confirm.ts).
  if (req.access && !req.access.subject)
    throw notPermitted('Linking a Fitbit account needs the token of a signed-in user, who confirms the link in the browser');
  await requirePatient(ctx, patientId);
  const url = await fitbit.authorizeUrl(patientId, timeZone, req.access?.subject);
  const answer: Parameters = { resourceType: 'Parameters', parameter: [{ name: 'authorizeUrl', valueUri: url }] };
  return { status: 200, resource: answer };
}

export async function syncFitbitOperation(
  req: FhirRequest,
  patientId: string,
  ctx: FhirContext,
  port: WearablePort,
): Promise<FhirResponse> {
  const fitbit = fitbitOf(port);
  const { timeZone, until } = queryParams(req.query, ['timeZone', 'until']);
  await requirePatient(ctx, patientId);
  return { status: 200, resource: await fitbit.sync(patientId, timeZone, until) };
}

export async function disconnectFitbit(req: FhirRequest, patientId: string, ctx: FhirContext, port: WearablePort): Promise<FhirResponse> {
  const fitbit = fitbitOf(port);
  queryParams(req.query, []);
  await requirePatient(ctx, patientId);
  const a = req.access;
  const unlinked = await fitbit.unlink(patientId, { clientId: a?.clientId, fhirUser: a?.fhirUser, subject: a?.subject });
  if (!unlinked) {
    throw new OutcomeError(
      'not-found',
      outcome(issue({ code: 'not-found', diagnostics: `Patient/${patientId} has no linked Fitbit account; nothing was unlinked` })),
    );
  }
  const done = `Fitbit account ${unlinked.fitbitUserId} is unlinked from Patient/${patientId}; its stored tokens are deleted`;
  if (unlinked.revokeProblem === undefined) {
    return {
      status: 200,
      resource: outcome(issue({ severity: 'information', code: 'informational', diagnostics: `${done} and revoked at Fitbit` })),
    };
  }
  return {
    status: 200,
    resource: outcome(
      issue({ severity: 'information', code: 'informational', diagnostics: done }),
      issue({
        severity: 'warning',
        code: 'transient',
        diagnostics: `Fitbit did not confirm revoking the authorization (${unlinked.revokeProblem}); the patient can remove FibroTrack under Fitbit's connected apps`,
      }),
    ),
  };
}

function fitbitOf(port: WearablePort): FitbitPort {
  if (!port.fitbit) throw notSupported(FITBIT_NOT_CONFIGURED);
  return port.fitbit;
}

function queryParams(query: URLSearchParams, known: string[]): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const key of query.keys()) {
    if (known.includes(key) || key === '_format' || key === '_pretty') continue;
    const takes = known.length > 0 ? `this operation takes ${known.join(', ')}` : 'this operation takes none';
    throw unknownParameter(`Unknown parameter '${key}'; ${takes}`, key);
  }
  for (const name of known) out[name] = query.get(name) ?? undefined;
  if (out.timeZone !== undefined && !IANAZone.isValidZone(out.timeZone))
    throw invalidParameter(`timeZone '${out.timeZone}' is not an IANA time zone`, 'timeZone');
  return out;
}
