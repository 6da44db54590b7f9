// A FHIR interaction as the router sees it, free of HTTP framework types.
import type { Readable } from 'node:stream';
import type { OperationOutcomeIssue, Resource } from 'fhir/r4.js';
import type { AccessContext } from './access-context.js';
import type { ResourceVersion } from '../store/repository.js';
import type { InteractionCode } from './routes.js';

export type FhirMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface FhirRequest {
  method: FhirMethod;
  /** Path below the FHIR base without leading slash, e.g. `Patient/1/_history/2`. */
  path: string;
  query: URLSearchParams;
  /** Lower-cased header names. */
  headers: Record<string, string | undefined>;
  body?: unknown;
  /** Content-Type of the body without parameters (needed to tell JSON Patch from FHIRPath Patch). */
  contentType?: string;
  /** What the bearer token grants (AUTH_MODE=smart); absent in open mode. */
  access?: AccessContext;
  /** Routes that stream their body (long work): aborted when the client closes the connection before the answer. */
  signal?: AbortSignal;
}

/** What an interaction touches, as authorization sees it before the interaction runs. */
export interface InteractionTarget {
  interaction: InteractionCode;
  /** The resource type the route is about ('' at system level). */
  type: string;
  /** The instance id ('' when none); for a compartment search, the compartment owner's id. */
  id: string;
  /** The searched type of a compartment search `[type]/[id]/[compartmentType]` ('' otherwise). */
  compartmentType: string;
  /** The operation's name, for interaction 'operation'. */
  operation?: string;
}

export interface FhirResponse {
  status: number;
  /** The response body; for writes, the stored resource (Prefer decides whether it is sent). */
  resource?: Resource;
  /** The version written or read: drives ETag, Last-Modified and Location. */
  version?: ResourceVersion;
  /** Writes set this to give the client a Location header. */
  created?: boolean;
  /** Whether Prefer: return applies (writes only). */
  isWrite?: boolean;
  /** Apply _summary/_elements to `resource` (reads). */
  shape?: boolean;
  headers?: Record<string, string>;
  /** A write stored under Prefer: handling=lenient: the validation issues it was stored despite (lenient-writes.ts). */
  issues?: OperationOutcomeIssue[];
  /** A body that is not FHIR JSON (an export's ndjson file): streamed as is with its content type. */
  raw?: { contentType: string; stream: Readable; bytes?: number };
}
