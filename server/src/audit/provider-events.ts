// Audits the authorization server: logins, token grants, revocations, logouts and their failures, from the
// oidc-provider instance's events. https://github.com/panva/node-oidc-provider/blob/main/docs/events.md
// Only the client id, account id, grant type and OAuth error code/description are taken from the event:
// never the token, code, assertion or secret objects the events also carry.
import type { AuditRecorder } from './audit-log.js';
import { authorizationAuditEvent, type Who } from './audit-event.js';

/** The parts of oidc-provider's KoaContextWithOIDC read here. */
interface OidcContext {
  ip?: string;
  oidc?: {
    client?: { clientId?: string };
    session?: { accountId?: string };
    account?: { accountId?: string };
    params?: Record<string, unknown>;
  };
}

interface OidcError {
  error?: string;
  error_description?: string;
}

export interface EventSource {
  on(event: string, listener: (...args: never[]) => void): unknown;
}

/** `provider` is the oidc-provider instance (createAuthorizationServer exposes it). */
export function auditProviderEvents(provider: EventSource, audit: AuditRecorder): void {
  const on = (event: string, dicom: '110122' | '110123' | undefined, success: boolean) =>
    provider.on(event, (ctx: OidcContext, err?: OidcError) => {
      audit.record(
        authorizationAuditEvent({
          event: grantEvent(event, ctx),
          dicom,
          who: whoOf(ctx),
          success,
          diagnostics: err ? [err.error, err.error_description].filter(Boolean).join(': ') : undefined,
        }),
      );
    });
  on('authorization.success', '110122', true);
  on('authorization.error', '110122', false);
  on('grant.success', undefined, true);
  on('grant.error', undefined, false);
  on('grant.revoked', undefined, true);
  on('revocation.error', undefined, false);
  on('introspection.error', undefined, false);
  on('end_session.success', '110123', true);
  on('end_session.error', '110123', false);
}

/** `grant.success` says which grant: `grant.success:authorization_code`, `grant.error:refresh_token`... */
function grantEvent(event: string, ctx: OidcContext): string {
  const grantType = ctx.oidc?.params?.grant_type;
  return event.startsWith('grant.') && event !== 'grant.revoked' && typeof grantType === 'string' ? `${event}:${grantType}` : event;
}

function whoOf(ctx: OidcContext): Who {
  return {
    clientId: ctx.oidc?.client?.clientId,
    subject: ctx.oidc?.account?.accountId ?? ctx.oidc?.session?.accountId,
    address: ctx.ip,
  };
}
