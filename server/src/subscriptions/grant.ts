// What a Subscription may deliver: what the token that created it may read, judged by the one access policy
// (auth/resource-server/authorize-interaction.ts) on each matched resource. The grant is stored with the
// subscription (scopes, patient, user); a patient/ token's subscription never carries another patient's data.
import type { Resource } from 'fhir/r4.js';
import type { AccessContext } from '../auth/access-context.js';
import { AccessPolicy } from '../auth/resource-server/authorize-interaction.js';
import type { ResourceFacts } from '../auth/resource-server/resource-facts.js';
import type { Definitions } from '../definitions/r4-definitions.js';

/** `unrestricted`: written without authorization (AUTH_MODE=open). */
export type Grant = { unrestricted: true } | { access: Omit<AccessContext, 'expiresAt'> };

export function grantOf(access: AccessContext | undefined): Grant {
  if (!access) return { unrestricted: true };
  const { clientId, scopes, patient, fhirUser, subject, grantId, tokenId } = access;
  return {
    access: {
      clientId, scopes, ...(patient ? { patient } : {}), ...(fhirUser ? { fhirUser } : {}), ...(subject ? { subject } : {}),
      ...(grantId ? { grantId } : {}), ...(tokenId ? { tokenId } : {}),
    },
  };
}

export function parseGrant(json: string | null): Grant | undefined {
  return json ? (JSON.parse(json) as Grant) : undefined;
}

export type GrantCheck = (grant: Grant | undefined, resource: Resource) => boolean;

/** A subscription with no grant (written outside the API, or a grant row lost) delivers nothing. */
export function grantChecker(facts: ResourceFacts, defs: Definitions): GrantCheck {
  return (grant, resource) => {
    if (!grant) return false;
    if ('unrestricted' in grant) return true;
    return policyOf(grant.access, facts, defs).allows('r', resource);
  };
}

export function policyOf(access: Omit<AccessContext, 'expiresAt'>, facts: ResourceFacts, defs: Definitions): AccessPolicy {
  return new AccessPolicy({ ...access, expiresAt: Number.MAX_SAFE_INTEGER }, facts, defs);
}
