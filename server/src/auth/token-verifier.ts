// TokenVerifier for the resource server: looks opaque access tokens up in oidc-provider's store and
// checks expiry, audience (our FHIR base) and that their grant was not revoked.
import type Provider from 'oidc-provider';
import type { AccessContext, TokenVerifier } from './access-context.js';
import { splitScope } from './smart-scopes.js';

interface Extra {
  granted_scope?: string;
  patient?: string;
  encounter?: string;
  fhirUser?: string;
}

/** `current` gives the instance in use (it is rebuilt when the signing keys change). */
export function createTokenVerifier(current: () => Provider, fhirBase: string): TokenVerifier {
  return {
    async verify(bearerToken: string): Promise<AccessContext | undefined> {
      // Opaque tokens are 43 base64url characters; anything else cannot be ours (and is not worth a lookup).
      if (!/^[A-Za-z0-9_-]{20,200}$/.test(bearerToken)) return undefined;
      const provider = current();
      const token = (await provider.AccessToken.find(bearerToken)) ?? (await provider.ClientCredentials.find(bearerToken));
      if (!token || token.isExpired) return undefined;
      const audiences = Array.isArray(token.aud) ? token.aud : [token.aud];
      if (!audiences.includes(fhirBase)) return undefined;
      if ('grantId' in token && token.grantId) {
        const grant = await provider.Grant.find(token.grantId);
        if (!grant || grant.clientId !== token.clientId) return undefined;
      }
      const extra = (token.extra ?? {}) as Extra;
      const accountId = 'accountId' in token ? token.accountId : undefined;
      return {
        clientId: token.clientId!,
        scopes: splitScope(extra.granted_scope ?? token.scope),
        ...(extra.patient ? { patient: extra.patient } : {}),
        ...(extra.encounter ? { encounter: extra.encounter } : {}),
        ...(extra.fhirUser
          ? { fhirUser: extra.fhirUser.startsWith(`${fhirBase}/`) ? extra.fhirUser.slice(fhirBase.length + 1) : extra.fhirUser }
          : {}),
        ...(accountId ? { subject: accountId } : {}),
        ...('grantId' in token && token.grantId ? { grantId: token.grantId } : { tokenId: token.jti }),
        expiresAt: token.exp!,
      };
    },
  };
}
