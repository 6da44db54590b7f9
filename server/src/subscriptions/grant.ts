// What a Subscription may deliver: what the token that created it may read, judged by the one access policy
// (auth/resource-server/authorize-interaction.ts) on each matched resource. The grant is stored with the
// subscription (scopes, patient, user); a patient/ token's subscription never carries another patient's data.
// The grant also names the Subscription's owner: one user of one client (ownerOf), the only one who sees it.
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
      clientId,
      scopes,
      ...(patient ? { patient } : {}),
      ...(fhirUser ? { fhirUser } : {}),
      ...(subject ? { subject } : {}),
      ...(grantId ? { grantId } : {}),
      ...(tokenId ? { tokenId } : {}),
    },
  };
}

export function parseGrant(json: string | null): Grant | undefined {
  return json ? (JSON.parse(json) as Grant) : undefined;
}

/** The part of a token that names its user. */
export type Who = Pick<AccessContext, 'clientId' | 'subject' | 'fhirUser'>;

/**
 * One user of one client: the token's subject (its fhirUser when it has no subject); a Backend Services client,
 * which has neither, is its own user. `key` compares owners, `who` names one in messages.
 */
export function ownerOf(who: Who): { key: string; who: string } {
  const user = who.subject !== undefined ? `user ${who.subject}` : who.fhirUser !== undefined ? `user ${who.fhirUser}` : undefined;
  return user
    ? { key: JSON.stringify([who.clientId, user]), who: `${user} of client ${who.clientId}` }
    : { key: JSON.stringify([who.clientId]), who: `client ${who.clientId}` };
}

/** Whether `access` is of the user and client whose token created a Subscription with `grant` (never for a grant of AUTH_MODE=open or none). */
export function ownedBy(grant: Grant | undefined, access: Who): boolean {
  return grant !== undefined && 'access' in grant && ownerOf(grant.access).key === ownerOf(access).key;
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
