// What every interaction may use: storage, definitions, validation and our public base URL.
import type { OperationOutcomeIssue, Resource } from 'fhir/r4.js';
import type { Definitions } from '../definitions/r4-definitions.js';
import type { FhirRepository } from '../store/repository.js';
import type { FhirRequest, InteractionTarget } from './fhir-request.js';
import type { Terminology } from '../terminology/terminology.js';
import type { ProfileSupport } from '../validation/profile-policy.js';
import type { SearchParamService } from '../reindex/search-param-service.js';
import type { ExportService } from '../bulk/export-service.js';
import type { BinaryContent } from '../binary/binary-content.js';

export interface FhirContext {
  repo: FhirRepository;
  defs: Definitions;
  validate(resource: unknown, expectedType?: string): OperationOutcomeIssue[];
  /** Public FHIR base URL without trailing slash, e.g. http://localhost:8080/fhir. */
  baseUrl: string;
  /**
   * Set per request when SMART authorization is on (auth/resource-server): refuses an interaction the
   * access token does not allow, before it runs. The router calls it for every request and bundle entry.
   */
  authorize?(req: FhirRequest, target: InteractionTarget): void;
  /** AUTH_MODE=smart: the authorization server's endpoints, for the CapabilityStatement's oauth-uris extension. */
  oauthUris?: { authorize: string; token: string; introspect: string; revoke: string };
  /** AUTH_MODE=smart: interactions on a type that the access policy refuses to every token (AuditEvent writes). */
  refusedToEveryToken?(type: string, interaction: string): boolean;
  /** Value sets and code systems for token :in, :not-in, :above, :below. */
  terminology: Terminology;
  /** Profiles: $validate, the FibroTrack profiles a write must meet, supportedProfile in /metadata. */
  profiles?: ProfileSupport;
  /** Runtime SearchParameters and their reindex jobs (`$reindex`); absent where the store has none (memory tests). */
  searchParams?: SearchParamService;
  /** Bulk Data `$export` jobs; absent where the store has none (memory tests). */
  bulk?: ExportService;
  /** Binary content in the blob store: raw uploads and reads (interactions/binary-raw.ts); absent in memory tests. */
  binary?: BinaryContent;
  /** AUTH_MODE=smart: records a write stored under handling=lenient, with its issues, in the request's AuditEvent. */
  noteLenientWrite?(reference: string, issues: OperationOutcomeIssue[]): void;
}

export const resourceUrl = (ctx: FhirContext, r: Pick<Resource, 'resourceType' | 'id'>) =>
  `${ctx.baseUrl}/${r.resourceType}/${r.id}`;
