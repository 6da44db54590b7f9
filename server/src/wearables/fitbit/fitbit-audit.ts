// AuditEvents for linking a Fitbit account to a patient's record and unlinking it: who did it, which record,
// which Fitbit account (its public user id; never a token).
import { authorizationAuditEvent, type Who } from '../../audit/audit-event.js';
import type { AuditRecorder } from '../../audit/audit-log.js';

export function auditFitbitLink(
  audit: AuditRecorder,
  event: 'fitbit-link' | 'fitbit-unlink',
  who: Who,
  patientId: string,
  fitbitUserId: string,
): void {
  const verb = event === 'fitbit-link' ? 'linked to' : 'unlinked from';
  audit.record(
    authorizationAuditEvent({
      event,
      who: { ...who, patient: patientId },
      success: true,
      diagnostics: `Fitbit account ${fitbitUserId} ${verb} the record`,
    }),
  );
}
