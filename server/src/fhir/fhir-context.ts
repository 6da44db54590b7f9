// What every interaction may use: storage, definitions, validation and our public base URL.
import type { OperationOutcomeIssue, Resource } from 'fhir/r4.js';
import type { AccessContext } from './access-context.js';
import type { Definitions } from '../definitions/r4-definitions.js';
import type { FhirRepository } from '../store/repository.js';
import type { FhirRequest, InteractionTarget } from './fhir-request.js';
import type { FhirDispatcher } from './router.js';
import type { Terminology } from '../terminology/terminology.js';
import type { ProfileSupport } from '../validation/profile-policy.js';
import type { SearchParamService } from '../reindex/search-param-service.js';
import type { CapabilityOptions } from './capability-options.js';
import type { BinaryContent } from '../binary/binary-content.js';

export interface FhirContext {
  repo: FhirRepository;
  defs: Definitions;
  validate: (resource: unknown, expectedType?: string) => OperationOutcomeIssue[];
  /** Public FHIR base URL without trailing slash, e.g. http://localhost:8080/fhir. */
  baseUrl: string;
  /** Dispatches a request by the server's route table (a Bundle's entries, the CLI, internal lookups). */
  router: FhirDispatcher;
  /**
   * Set per request when SMART authorization is on (auth/resource-server): refuses an interaction the
   * access token does not allow, before it runs. The router calls it for every request and bundle entry.
   */
  authorize?(req: FhirRequest, target: InteractionTarget): void;
  /** AUTH_MODE=smart: what /metadata declares of the authorization server and the access policy. */
  capability?: CapabilityOptions;
  /** Value sets and code systems for token :in, :not-in, :above, :below. */
  terminology: Terminology;
  /** Profiles: $validate, the FibroTrack profiles a write must meet, supportedProfile in /metadata. */
  profiles?: ProfileSupport;
  /** Runtime SearchParameters and their reindex jobs (`$reindex`); absent where the store has none (memory tests). */
  searchParams?: SearchParamService;
  /** What /metadata declares of Subscriptions (set by subscriptions/ and app.ts); absent where the store has none. */
  subscriptions?: SubscriptionsCapability;
  /** Binary content in the blob store: raw uploads and reads (interactions/binary-raw.ts); absent in memory tests. */
  binary?: BinaryContent;
  /** AUTH_MODE=smart: throws 403 unless the token may store a `type` that fails validation (Prefer: handling=lenient). */
  checkLenientWrite?(access: AccessContext, type: string, permission: 'c' | 'u'): void;
  /** AUTH_MODE=smart: records a write stored under handling=lenient, with its issues, in the request's AuditEvent. */
  noteLenientWrite?(reference: string, issues: OperationOutcomeIssue[]): void;
}

/** The Subscriptions feature as /metadata declares it (the Subscriptions R5 Backport). */
export interface SubscriptionsCapability {
  /** Canonical URLs of the subscription topics this server publishes. */
  topics: string[];
  /** `ws(s)://<host>/fhir/ws` once the server has the websocket channel (not in the CLI). */
  websocketUrl?: string;
}

export const resourceUrl = (ctx: FhirContext, r: Pick<Resource, 'resourceType' | 'id'>) => `${ctx.baseUrl}/${r.resourceType}/${r.id}`;
