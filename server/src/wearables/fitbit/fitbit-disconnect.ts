// Patient/[id]/$disconnect-fitbit: unlinks the patient's Fitbit account. The link, its stored tokens and its
// sync cursors are deleted first; then the tokens are revoked at Fitbit, best effort: a Fitbit that fails or
// does not answer in time is reported in the answer and never keeps the link. Audited like linking.
// https://fhir.fibrotrack.org/OperationDefinition/disconnect-fitbit
import { issue, outcome, OutcomeError, unknownParameter } from '../../core/outcomes.js';
import type { FhirContext } from '../../fhir/fhir-context.js';
import type { FhirRequest, FhirResponse } from '../../fhir/fhir-request.js';
import { requirePatient } from '../../fhir/operations/import-wearable/import-wearable.js';
import { fitbitOf, wearablesOf } from '../wearable-services.js';
import { auditFitbitLink } from './fitbit-audit.js';
import { FitbitAuthError, revokeTokens } from './fitbit-oauth.js';

export async function disconnectFitbit(req: FhirRequest, patientId: string, ctx: FhirContext): Promise<FhirResponse> {
  const services = wearablesOf(ctx);
  const fitbit = fitbitOf(services);
  for (const key of req.query.keys()) {
    if (key !== '_format' && key !== '_pretty') throw unknownParameter(`Unknown parameter '${key}'; this operation takes none`, key);
  }
  await requirePatient(ctx, patientId);
  const link = await fitbit.store.link(patientId);
  const fitbitUserId = link && (await fitbit.store.unlink(patientId));
  if (!link || fitbitUserId === undefined) {
    throw new OutcomeError(404, outcome(issue({ code: 'not-found', diagnostics: `Patient/${patientId} has no linked Fitbit account; nothing was unlinked` })));
  }
  const a = req.access;
  auditFitbitLink(services.linkAudit, 'fitbit-unlink', { clientId: a?.clientId, fhirUser: a?.fhirUser, subject: a?.subject }, patientId, fitbitUserId);
  const unlinked = `Fitbit account ${fitbitUserId} is unlinked from Patient/${patientId}; its stored tokens are deleted`;
  try {
    await revokeTokens(fitbit.config, link.refreshToken);
  } catch (err) {
    const why = err instanceof OutcomeError ? err.message : err instanceof FitbitAuthError ? `Fitbit answered ${err.status} ${err.errorType}` : undefined;
    if (why === undefined) throw err;
    return {
      status: 200,
      resource: outcome(
        issue({ severity: 'information', code: 'informational', diagnostics: unlinked }),
        issue({ severity: 'warning', code: 'transient', diagnostics: `Fitbit did not confirm revoking the authorization (${why}); the patient can remove FibroTrack under Fitbit's connected apps` }),
      ),
    };
  }
  return { status: 200, resource: outcome(issue({ severity: 'information', code: 'informational', diagnostics: `${unlinked} and revoked at Fitbit` })) };
}
