// The contract between the SMART authorization server (which issues tokens) and the resource server
// (which enforces them on every FHIR interaction). https://hl7.org/fhir/smart-app-launch/scopes-and-launch-context.html
import type { AccessContext } from '../fhir/access-context.js';

// What a token grants is declared by fhir/ (every interaction reads it); auth/ produces it.
export type { AccessContext };

/** Checks a bearer token: signature or lookup, expiry, revocation and audience (our FHIR base). */
export interface TokenVerifier {
  /** undefined when the token is unknown, expired, revoked or meant for another audience. */
  verify(bearerToken: string): Promise<AccessContext | undefined>;
}
