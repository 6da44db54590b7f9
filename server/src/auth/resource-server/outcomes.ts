// The OperationOutcomes the resource server answers with: 401 (no or bad token), 403 (scope), 429 (rate).
// https://hl7.org/fhir/smart-app-launch/STU2.2/app-launch.html#step-5-access-protected-resources, RFC 6750 §3
import { OutcomeError, issue, outcome } from '../../core/outcomes.js';

export function unauthorized(diagnostics: string, tokenWasSent: boolean): OutcomeError {
  // RFC 6750: a missing token gets a bare challenge; a rejected one names the error.
  const challenge = tokenWasSent ? 'Bearer realm="fhir", error="invalid_token"' : 'Bearer realm="fhir"';
  return new OutcomeError('login-required', outcome(issue({ code: 'login', diagnostics, messageId: 'MSG_AUTH_REQUIRED' })), {
    'WWW-Authenticate': challenge,
  });
}

export function forbidden(diagnostics: string): OutcomeError {
  // RFC 6750 §3.1: the token is valid but does not reach what was asked.
  return new OutcomeError('forbidden', outcome(issue({ code: 'forbidden', diagnostics })), {
    'WWW-Authenticate': 'Bearer realm="fhir", error="insufficient_scope"',
  });
}

export function throttled(limit: number, retryAfterSeconds: number): OutcomeError {
  return new OutcomeError(
    'too-many-requests',
    outcome(
      issue({
        code: 'throttled',
        diagnostics: `Rate limit of ${limit} requests per minute for this client exceeded; retry in ${retryAfterSeconds} s`,
      }),
    ),
    { 'Retry-After': String(retryAfterSeconds) },
  );
}
