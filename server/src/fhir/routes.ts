// The route table: every FHIR interaction we serve, and the operations of fhir/ itself (features such as the
// wearable import, Bulk Data export and Subscriptions register theirs into the router, fhir-services.ts). The router dispatches from it and the
// CapabilityStatement is generated from the router's table, so the two cannot drift. https://hl7.org/fhir/R4/http.html
import { settle } from '../core/settle.js';
import type { FhirContext } from './fhir-context.js';
import type { FhirMethod, FhirRequest, FhirResponse } from './fhir-request.js';
import { processBundle } from './interactions/bundle.js';
import { capabilities } from './interactions/capabilities.js';
import { create } from './interactions/create.js';
// A Binary sent in its own media type (not FHIR JSON) is raw content: https://hl7.org/fhir/R4/http.html#binary
import { isRawBody, rawCreate, rawUpdate } from './interactions/binary-raw.js';
import { conditionalDelete, deleteInstance } from './interactions/delete.js';
import { history } from './interactions/history.js';
import { conditionalPatch, patch } from './interactions/patch.js';
import { read } from './interactions/read.js';
import { searchCompartment, searchType } from './interactions/search.js';
import { conditionalUpdate, update } from './interactions/update.js';
import { vread } from './interactions/vread.js';
import { lastn } from './operations/lastn/lastn.js';
import { stats, STATS_DEFINITION } from './operations/stats/stats.js';
import { allPatientsEverything } from './operations/everything/all-patients.js';
import { patientEverything } from './operations/everything/everything.js';
import { reindex, reindexStatus } from './operations/reindex/reindex.js';
import { validateOperation } from './operations/validate/validate.js';
import { summary } from './operations/summary/summary.js';
import { compositionDocument } from './operations/summary/composition-document.js';
import { expand } from './operations/expand/expand.js';
import { lookup } from './operations/lookup/lookup.js';
import { subsumes } from './operations/subsumes/subsumes.js';
import { validateCodeSystemCode } from './operations/validate-code/validate-code-system-code.js';
import { validateValueSetCode } from './operations/validate-code/validate-value-set-code.js';

export interface RouteParams {
  type: string;
  id: string;
  vid: string;
  /** The searched type of a compartment search `[Compartment]/[id]/[compartmentType]`. */
  compartmentType: string;
}

/** Interaction codes from https://hl7.org/fhir/R4/valueset-type-restful-interaction.html */
export type InteractionCode =
  | 'read'
  | 'vread'
  | 'update'
  | 'patch'
  | 'delete'
  | 'history-instance'
  | 'history-type'
  | 'create'
  | 'search-type'
  | 'capabilities'
  | 'transaction'
  | 'batch'
  | 'history-system'
  | 'operation';

export interface Route {
  interaction: InteractionCode;
  method: FhirMethod;
  /** Path segments: literals, or `{type}`, `{id}`, `{vid}`. */
  pattern: string[];
  /** Conditional variants are told apart by having search criteria in the query. */
  conditional?: boolean;
  /** For interaction 'operation': the operation's name and its OperationDefinition. */
  operation?: { name: string; definition: string };
  /** The handler reads the request body itself, as a stream (req.body is the Readable): uploads too big to buffer. */
  streamsBody?: boolean;
  handle(req: FhirRequest, p: RouteParams, ctx: FhirContext): Promise<FhirResponse>;
}

export const FHIR_ROUTES: readonly Route[] = [
  { interaction: 'capabilities', method: 'GET', pattern: ['metadata'], handle: (req, _p, ctx) => settle(() => capabilities(req, ctx)) },
  {
    interaction: 'operation',
    method: 'GET',
    pattern: ['Observation', '$lastn'],
    operation: { name: 'lastn', definition: 'http://hl7.org/fhir/OperationDefinition/Observation-lastn' },
    handle: (req, _p, ctx) => lastn(req, ctx),
  },
  ...(['GET', 'POST'] as const).map((method): Route => ({
    interaction: 'operation',
    method,
    pattern: ['Observation', '$stats'],
    operation: { name: 'stats', definition: STATS_DEFINITION },
    handle: (req, _p, ctx) => stats(req, ctx),
  })),
  {
    interaction: 'operation',
    method: 'GET',
    pattern: ['Patient', '{id}', '$summary'],
    operation: { name: 'summary', definition: 'http://hl7.org/fhir/uv/ips/OperationDefinition/summary' },
    handle: (req, p, ctx) => summary(req, p.id, ctx),
  },
  {
    interaction: 'operation',
    method: 'GET',
    pattern: ['Composition', '{id}', '$document'],
    operation: { name: 'document', definition: 'http://hl7.org/fhir/OperationDefinition/Composition-document' },
    handle: (req, p, ctx) => compositionDocument(req, p.id, ctx),
  },
  ...[['GET', '{id}'], ['POST', '{id}'], ['GET']].map(([method, id]): Route => ({
    interaction: 'operation',
    method: method as 'GET' | 'POST',
    pattern: ['Patient', ...(id ? [id] : []), '$everything'],
    operation: { name: 'everything', definition: 'http://hl7.org/fhir/OperationDefinition/Patient-everything' },
    handle: (req, p, ctx) => (p.id ? patientEverything(req, p.id, ctx) : allPatientsEverything(req, ctx)),
  })),
  ...(['POST', 'GET'] as const).flatMap((method): Route[] =>
    [...(method === 'POST' ? [{ pattern: ['{type}', '$validate'] }] : []), { pattern: ['{type}', '{id}', '$validate'] }].map(
      ({ pattern }) => ({
        interaction: 'operation',
        method,
        pattern,
        operation: { name: 'validate', definition: 'http://hl7.org/fhir/OperationDefinition/Resource-validate' },
        handle: (req, p, ctx) => validateOperation(req, p.type, p.id || undefined, ctx),
      }),
    ),
  ),
  // Terminology operations, at type and instance level, GET and POST (a Parameters body).
  ...(
    [
      ['ValueSet', 'expand', expand],
      ['ValueSet', 'validate-code', validateValueSetCode],
      ['CodeSystem', 'lookup', lookup],
      ['CodeSystem', 'validate-code', validateCodeSystemCode],
      ['CodeSystem', 'subsumes', subsumes],
    ] as const
  ).flatMap(([type, name, run]) =>
    (['GET', 'POST'] as const).flatMap((method) =>
      [[type], [type, '{id}']].map((at): Route => ({
        interaction: 'operation',
        method,
        pattern: [...at, `$${name}`],
        operation: { name, definition: `http://hl7.org/fhir/OperationDefinition/${type}-${name}` },
        handle: (req, p, ctx) => run(req, p.id || undefined, ctx),
      })),
    ),
  ),
  ...[['$reindex'], ['{type}', '$reindex']].map((pattern): Route => ({
    interaction: 'operation',
    method: 'POST',
    pattern,
    operation: { name: 'reindex', definition: 'https://fhir.fibrotrack.org/OperationDefinition/reindex' },
    handle: (req, p, ctx) => reindex(req, p.type, ctx),
  })),
  // The status URL of a reindex job; {job} is read by the handler.
  {
    interaction: 'operation',
    method: 'GET',
    pattern: ['$reindex', '{job}'],
    operation: { name: 'reindex-status', definition: 'https://fhir.fibrotrack.org/OperationDefinition/reindex' },
    handle: (req, _p, ctx) => reindexStatus(req, ctx),
  },
  { interaction: 'transaction', method: 'POST', pattern: [], handle: (req, _p, ctx) => processBundle(req, ctx) },
  { interaction: 'history-system', method: 'GET', pattern: ['_history'], handle: (req, _p, ctx) => history(req, ctx) },
  { interaction: 'search-type', method: 'GET', pattern: ['{type}'], handle: (req, p, ctx) => searchType(req, p.type, ctx) },
  { interaction: 'search-type', method: 'POST', pattern: ['{type}', '_search'], handle: (req, p, ctx) => searchType(req, p.type, ctx) },
  {
    interaction: 'create',
    method: 'POST',
    pattern: ['{type}'],
    handle: (req, p, ctx) => (p.type === 'Binary' && isRawBody(req) ? rawCreate(req, ctx) : create(req, p.type, ctx)),
  },
  {
    interaction: 'update',
    method: 'PUT',
    pattern: ['{type}'],
    conditional: true,
    handle: (req, p, ctx) => conditionalUpdate(req, p.type, ctx),
  },
  {
    interaction: 'patch',
    method: 'PATCH',
    pattern: ['{type}'],
    conditional: true,
    handle: (req, p, ctx) => conditionalPatch(req, p.type, ctx),
  },
  {
    interaction: 'delete',
    method: 'DELETE',
    pattern: ['{type}'],
    conditional: true,
    handle: (req, p, ctx) => conditionalDelete(req, p.type, ctx),
  },
  { interaction: 'history-type', method: 'GET', pattern: ['{type}', '_history'], handle: (req, p, ctx) => history(req, ctx, p.type) },
  { interaction: 'read', method: 'GET', pattern: ['{type}', '{id}'], handle: (req, p, ctx) => read(req, p.type, p.id, ctx) },
  {
    interaction: 'update',
    method: 'PUT',
    pattern: ['{type}', '{id}'],
    handle: (req, p, ctx) => (p.type === 'Binary' && isRawBody(req) ? rawUpdate(req, p.id, ctx) : update(req, p.type, p.id, ctx)),
  },
  { interaction: 'patch', method: 'PATCH', pattern: ['{type}', '{id}'], handle: (req, p, ctx) => patch(req, p.type, p.id, ctx) },
  { interaction: 'delete', method: 'DELETE', pattern: ['{type}', '{id}'], handle: (req, p, ctx) => deleteInstance(req, p.type, p.id, ctx) },
  {
    interaction: 'history-instance',
    method: 'GET',
    pattern: ['{type}', '{id}', '_history'],
    handle: (req, p, ctx) => history(req, ctx, p.type, p.id),
  },
  {
    interaction: 'vread',
    method: 'GET',
    pattern: ['{type}', '{id}', '_history', '{vid}'],
    handle: (req, p, ctx) => vread(req, p.type, p.id, p.vid, ctx),
  },
  {
    interaction: 'search-type',
    method: 'GET',
    pattern: ['{type}', '{id}', '{compartmentType}'],
    handle: (req, p, ctx) => searchCompartment(req, p.type, p.id, p.compartmentType, ctx),
  },
];
