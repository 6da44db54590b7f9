// What a request may do, as the FHIR layer sees it: the grant of a verified access token. Declared here, where every
// interaction reads it; the SMART authorization server (auth/) issues and verifies the tokens that carry it.
// https://hl7.org/fhir/smart-app-launch/scopes-and-launch-context.html

/** What a valid access token grants, as the resource server sees it. */
export interface AccessContext {
  clientId: string;
  /** Every granted scope, as in the token response (`patient/Observation.rs`, `launch/patient`, `openid`, ...). */
  scopes: string[];
  /** Id of the patient in context (launch/patient, or the logged-in patient). */
  patient?: string;
  /** Id of the encounter in context. */
  encounter?: string;
  /** The user as a FHIR reference, e.g. `Practitioner/123` or `Patient/456`. */
  fhirUser?: string;
  /** The end user's account id (OIDC `sub`); absent for backend services. */
  subject?: string;
  /** The oidc-provider grant the token belongs to (authorization code and refresh tokens); revoking it ends them all. */
  grantId?: string;
  /** Id of a Backend Services (client_credentials) token, which belongs to no grant. */
  tokenId?: string;
  /** Expiry, seconds since the epoch. */
  expiresAt: number;
}
