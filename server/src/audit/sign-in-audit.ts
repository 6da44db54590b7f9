// Audits sign-in attempts on the authorization server's login page (POST /auth/interaction/:uid/login):
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

export function auditSignIns(audit: AuditRecorder): RequestHandler {
  return (req, res, next) => {
    res.once('finish', () => {
      const success = res.statusCode >= 300 && res.statusCode < 400;
      audit.record(
        authorizationAuditEvent({
          event: success ? 'sign-in.success' : 'sign-in.failure',
          dicom: '110122',
          who: { address: req.ip },
          success,
          diagnostics: success ? undefined : WHY[res.statusCode] ?? `answered ${res.statusCode}`,
        }),
      );
    });
    next();
  };
}
