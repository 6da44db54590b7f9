// What the CapabilityStatement declares beyond the route table and the definitions: the authorization server and
// the access policy's blanket refusals. app.ts sets them under AUTH_MODE=smart; absent, /metadata declares no security.
// https://hl7.org/fhir/smart-app-launch/conformance.html
export interface CapabilityOptions {
  /** The authorization server's endpoints, for the oauth-uris extension. */
  oauthUris?: { authorize: string; token: string; introspect: string; revoke: string };
  /** Interactions on a type that the access policy refuses to every token (AuditEvent writes): not declared. */
  refusedToEveryToken?(type: string, interaction: string): boolean;
}
