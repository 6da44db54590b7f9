// oidc-provider middleware completing token and introspection answers the SMART way: scope lists every
// granted scope (oidc-provider lists only the resource server's), plus the launch context fields.
// https://hl7.org/fhir/smart-app-launch/app-launch.html#response-5
import type { KoaContextWithOIDC } from 'oidc-provider';
import { jsonText } from '../core/json-text.js';

interface TokenExtra {
  granted_scope?: string;
  patient?: string;
  encounter?: string;
  need_patient_banner?: boolean;
}

export function smartResponses(styleUrl: string) {
  return async (ctx: KoaContextWithOIDC, next: () => Promise<void>): Promise<void> => {
    await next();
    const route = ctx.oidc?.route;
    const body = ctx.body as Record<string, unknown> | undefined;
    if (route === 'token') {
      ctx.set('Cache-Control', 'no-store');
      ctx.set('Pragma', 'no-cache');
      // A JWKS URL that cannot be fetched fails client authentication (SMART: any failure is invalid_client).
      if (body?.error === 'invalid_client_metadata') {
        ctx.status = 401;
        body.error = 'invalid_client';
      }
      if (ctx.status !== 200 || !body?.access_token) return;
      const token = ctx.oidc.entities.AccessToken;
      const extra = token?.extra as TokenExtra | undefined;
      // ClientCredentials tokens carry no user context: their response stays as oidc-provider made it.
      if (!token || !extra) return;
      if (extra.granted_scope !== undefined) body.scope = extra.granted_scope;
      if (extra.patient) body.patient = extra.patient;
      if (extra.encounter) body.encounter = extra.encounter;
      body.need_patient_banner = extra.need_patient_banner ?? false;
      body.smart_style_url = styleUrl;
    } else if (route === 'introspection' && body?.active) {
      if (typeof body.granted_scope === 'string') body.scope = body.granted_scope;
      delete body.granted_scope;
      const granted = jsonText(body.scope).split(' ');
      if (!granted.includes('openid') || !granted.includes('fhirUser')) delete body.fhirUser;
      delete body.need_patient_banner;
    }
  };
}
