// Unlinking a patient's Fitbit account: the link, its stored tokens and its sync cursors are deleted first; then
// the tokens are revoked at Fitbit, best effort: a Fitbit that fails or does not answer in time is reported back
// and never keeps the link. Audited like linking. (Patient/$disconnect-fitbit, fhir/operations/fitbit.)
import { OutcomeError } from '../../core/outcomes.js';
import type { LinkActor } from '../../fhir/operations/import-wearable/wearable-port.js';
import type { FitbitServices } from '../wearable-services.js';
import type { AuditRecorder } from '../../audit/audit-log.js';
import { auditFitbitLink } from './fitbit-audit.js';
import { FitbitAuthError, revokeTokens } from './fitbit-oauth.js';

/** Undefined when the patient has no link; `revokeProblem` when Fitbit did not confirm the revocation. */
export async function unlinkFitbit(
  fitbit: FitbitServices,
  linkAudit: AuditRecorder,
  patientId: string,
  actor: LinkActor,
): Promise<{ fitbitUserId: string; revokeProblem?: string } | undefined> {
  const link = await fitbit.store.link(patientId);
  const fitbitUserId = link && (await fitbit.store.unlink(patientId));
  if (!link || fitbitUserId === undefined) return undefined;
  auditFitbitLink(linkAudit, 'fitbit-unlink', actor, patientId, fitbitUserId);
  try {
    await revokeTokens(fitbit.config, link.refreshToken);
  } catch (err) {
    const why =
      err instanceof OutcomeError
        ? err.message
        : err instanceof FitbitAuthError
          ? `Fitbit answered ${err.status} ${err.errorType}`
          : undefined;
    if (why === undefined) throw err;
    return { fitbitUserId, revokeProblem: why };
  }
  return { fitbitUserId };
}
