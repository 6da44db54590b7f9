// Audits sign-in attempts on the authorization server's login page (POST /auth/interaction/:uid/login) and the
// EHR simulator's (POST /ehr/login):
// oidc-provider emits no event for a wrong password, so the outcome is read from the response. A redirect
// means the user signed in; 401 (wrong username or password), 403 and 429 (throttled) are failures. The
// form's fields are never read: a password typed into the username field must not reach the audit log.
import type { RequestHandler } from 'express';
import type { AuditRecorder } from './audit-log.js';
import { authorizationAuditEvent } from './audit-event.js';

const WHY: Record<number, string> = {
  400: 'sign-in step not expected',
  401: 'wrong username or password',
  403: 'signed-in user does not match the EHR launch',
  429: 'too many failed sign-ins for this username',
};

/** The EHR simulator's sign-in (POST /ehr/login) fails with 403 for a user who is not a practitioner. */
export const EHR_SIGN_IN_FAILURES: Record<number, string> = { ...WHY, 403: 'not a practitioner (EHR launch simulator)' };

export function auditSignIns(audit: AuditRecorder, reasons: Record<number, string> = WHY): RequestHandler {
  return (req, res, next) => {
    res.once('finish', () => {
      const success = res.statusCode >= 300 && res.statusCode < 400;
      audit.record(
        authorizationAuditEvent({
          event: success ? 'sign-in.success' : 'sign-in.failure',
          dicom: '110122',
          who: { address: req.ip },
          success,
          diagnostics: success ? undefined : (reasons[res.statusCode] ?? `answered ${res.statusCode}`),
        }),
      );
    });
    next();
  };
}
