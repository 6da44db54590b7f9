// capabilities: GET [base]/metadata, generated from the route table, the search parameter definitions the parser
// accepts and the access policy. https://hl7.org/fhir/R4/http.html#capabilities
import type {
  CapabilityStatement,
  CapabilityStatementRestResource,
  CapabilityStatementRestResourceInteraction,
  CapabilityStatementRestResourceSearchParam,
  CapabilityStatementRestSecurity,
} from 'fhir/r4.js';
import type { SearchParamDef } from '../../definitions/r4-definitions.js';
import { invalidParameter } from '../../core/outcomes.js';
import { FULL_TEXT_PARAMS } from '../../fhir-values/text-words.js';
import { isSearchableType, MODIFIERS } from '../../search/param-types.js';
import { unsearchable } from '../../search/searchable.js';
import type { CapabilityOptions } from '../capability-options.js';
import type { FhirContext } from '../fhir-context.js';
import type { FhirRequest, FhirResponse } from '../fhir-request.js';
import type { InteractionCode } from '../routes.js';
import { CONDITIONAL_READ } from './read.js';
import { terminologyCapabilities } from './terminology-capabilities.js';

const SYSTEM_LEVEL = new Set<InteractionCode>(['transaction', 'batch', 'history-system']);
/**
 * Built once per server: keyed by its router (each request's context is a new object), built again when runtime
 * SearchParameters change the definitions (their revision).
 */
const CACHE = new WeakMap<object, { revision: number; statement: CapabilityStatement }>();

const BACKPORT_SERVER = 'http://hl7.org/fhir/uv/subscriptions-backport/CapabilityStatement/backport-subscription-server-r4';
const TOPIC_CANONICAL = 'http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition/capabilitystatement-subscriptiontopic-canonical';

export function capabilities(req: FhirRequest, ctx: FhirContext): FhirResponse {
  // mode=normative: the statement holds nothing beyond what this server does, so it is the full one.
  const mode = req.query.get('mode');
  if (mode === 'terminology') return { status: 200, resource: terminologyCapabilities(ctx), shape: true };
  if (mode !== null && mode !== 'full' && mode !== 'normative')
    throw invalidParameter(`mode must be full, normative or terminology; got '${mode}'`, 'mode');
  const revision = ctx.defs.revision?.() ?? 0;
  let cached = CACHE.get(ctx.router);
  if (cached?.revision !== revision) CACHE.set(ctx.router, (cached = { revision, statement: buildCapabilityStatement(ctx) }));
  // _summary=true and _elements shape it as any read (a client checking fhirVersion need not fetch every type).
  return { status: 200, resource: cached.statement, shape: true };
}

export function buildCapabilityStatement(ctx: FhirContext): CapabilityStatement {
  const routes = ctx.router.routes;
  const routed = new Set(routes.map((r) => r.interaction));
  const conditional = (code: InteractionCode) => routes.some((r) => r.interaction === code && r.conditional);
  const typeInteractions = [...routed].filter((c) => c !== 'capabilities' && c !== 'operation' && !SYSTEM_LEVEL.has(c)).sort();
  // `{type}` operations ($validate) apply to every type; one entry per operation name, whatever its routes.
  const operationsOf = (type: string) => [
    ...new Map(
      routes
        .filter((r) => r.operation && (r.pattern[0] === type || r.pattern[0] === '{type}'))
        .map((r) => [r.operation!.name, r.operation!]),
    ).values(),
  ];
  // `[base]/$op` routes are system-level operations ($reindex); a status URL under one ($reindex/{job}) is not another.
  const systemOperations = [
    ...new Map(
      routes
        .filter((r) => r.operation && r.pattern.length === 1 && r.pattern[0].startsWith('$'))
        .map((r) => [r.operation!.name, r.operation!]),
    ).values(),
  ];
  // One Bundle route serves both kinds: transaction and batch.
  const systemInteractions = [...routed, 'batch' as const].filter((c) => SYSTEM_LEVEL.has(c));
  const searchable = (p: SearchParamDef) =>
    unsearchable(p) === undefined && (p.expression !== undefined || p.code === '_id' || FULL_TEXT_PARAMS.has(p.code));
  const references = (type: string) => [...ctx.defs.searchParams(type).values()].filter((p) => p.type === 'reference');
  // _revinclude=Source:param for every reference parameter that can point at the type (parse-include.ts accepts these).
  const revIncludes = new Map<string, string[]>(ctx.defs.resourceTypes.map((t) => [t, []]));
  for (const source of ctx.defs.resourceTypes) {
    for (const p of references(source)) for (const target of p.target) revIncludes.get(target)?.push(`${source}:${p.code}`);
  }
  const allowed = (type: string, code: InteractionCode) => !ctx.capability?.refusedToEveryToken?.(type, code);
  const resources: CapabilityStatementRestResource[] = ctx.defs.resourceTypes.map((type) => ({
    type,
    ...(operationsOf(type).length > 0 ? { operation: operationsOf(type) } : {}),
    profile: `http://hl7.org/fhir/StructureDefinition/${type}`,
    ...(ctx.profiles?.supportedProfiles(type).length ? { supportedProfile: ctx.profiles.supportedProfiles(type) } : {}),
    interaction: typeInteractions
      .filter((code) => allowed(type, code))
      .map((code) => ({ code: code as CapabilityStatementRestResourceInteraction['code'] })),
    versioning: 'versioned-update',
    readHistory: true,
    updateCreate: allowed(type, 'update'),
    conditionalCreate: routed.has('create') && allowed(type, 'create'),
    conditionalRead: CONDITIONAL_READ,
    conditionalUpdate: conditional('update') && allowed(type, 'update'),
    conditionalDelete: conditional('delete') && allowed(type, 'delete') ? 'single' : 'not-supported',
    referencePolicy: ['literal', 'logical'],
    searchInclude: ['*', `${type}:*`, ...references(type).map((p) => `${type}:${p.code}`)],
    searchRevInclude: ['*', ...revIncludes.get(type)!],
    searchParam: [...ctx.defs.searchParams(type).values()].filter(searchable).map(declaredParam),
    ...(type === 'Subscription' && ctx.subscriptions?.topics.length
      ? { extension: ctx.subscriptions.topics.map((url) => ({ url: TOPIC_CANONICAL, valueCanonical: url })) }
      : {}),
  }));
  // Parameters every type has (those of Resource): declared once for the whole server as well.
  const common = [...ctx.defs.searchParams(ctx.defs.resourceTypes[0]).values()].filter(
    (p) => searchable(p) && ctx.defs.resourceTypes.every((t) => ctx.defs.searchParams(t).get(p.code)?.url === p.url),
  );
  // Bulk Data Access 2.0 $export at system, Patient and Group level (bulk/export-routes.ts, when registered); the Subscriptions R5
  // Backport: topic-based subscriptions, $status and $events (subscriptions/).
  const instantiates = [
    ...(routes.some((r) => r.operation?.name === 'export') ? ['http://hl7.org/fhir/uv/bulkdata/CapabilityStatement/bulk-data'] : []),
    ...(ctx.subscriptions ? [BACKPORT_SERVER] : []),
  ];
  return {
    resourceType: 'CapabilityStatement',
    status: 'active',
    date: '2026-11-22',
    publisher: 'FibroTrack',
    kind: 'instance',
    ...(instantiates.length > 0 ? { instantiates } : {}),
    software: { name: 'FibroTrack FHIR', version: '0.1.0' },
    implementation: { description: 'FibroTrack FHIR R4 server', url: ctx.baseUrl },
    fhirVersion: '4.0.1',
    ...(ctx.profiles?.implementationGuides.length ? { implementationGuide: ctx.profiles.implementationGuides } : {}),
    format: ['application/fhir+json', 'application/json'],
    patchFormat: ['application/json-patch+json', 'application/fhir+json'],
    rest: [
      {
        mode: 'server',
        ...(ctx.subscriptions?.websocketUrl
          ? {
              extension: [
                { url: 'http://hl7.org/fhir/StructureDefinition/capabilitystatement-websocket', valueUrl: ctx.subscriptions.websocketUrl },
              ],
            }
          : {}),
        ...(ctx.capability?.oauthUris ? { security: smartSecurity(ctx.capability.oauthUris) } : {}),
        compartment: ctx.defs.compartmentTypes.map(
          (c) => `http://hl7.org/fhir/CompartmentDefinition/${c.charAt(0).toLowerCase()}${c.slice(1)}`,
        ),
        resource: resources,
        interaction: [...new Set(systemInteractions)].map((code) => ({ code: code as 'transaction' | 'batch' | 'history-system' })),
        searchParam: common.map(declaredParam),
        ...(systemOperations.length > 0 ? { operation: systemOperations } : {}),
      },
    ],
  };
}

/**
 * One searchParam entry; R4 has no element for modifiers, so `documentation` names those the parser takes
 * (search/param-types.ts), `:text` among them, and says what the full-text parameters search.
 */
function declaredParam(p: SearchParamDef): CapabilityStatementRestResourceSearchParam {
  const modifiers = [...(isSearchableType(p.type) ? MODIFIERS[p.type] : []), 'missing'];
  const documentation = FULL_TEXT_PARAMS.has(p.code)
    ? `Full-text: a resource matches when each word of the value starts a word of its ${p.code === '_text' ? 'narrative' : 'text'} (no stemming, accents and case ignored). Modifiers: :missing.`
    : `Modifiers: ${modifiers.map((m) => `:${m}`).join(', ')}.`;
  return { name: p.code, definition: p.url, type: p.type, documentation };
}

/** SMART on FHIR 1.0 clients find the authorization server here. https://hl7.org/fhir/smart-app-launch/conformance.html */
function smartSecurity(uris: NonNullable<CapabilityOptions['oauthUris']>): CapabilityStatementRestSecurity {
  return {
    cors: true,
    service: [
      {
        coding: [{ system: 'http://terminology.hl7.org/CodeSystem/restful-security-service', code: 'SMART-on-FHIR' }],
        text: 'OAuth2 using SMART-on-FHIR profile',
      },
    ],
    extension: [
      {
        url: 'http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris',
        extension: [
          { url: 'authorize', valueUri: uris.authorize },
          { url: 'token', valueUri: uris.token },
          { url: 'introspect', valueUri: uris.introspect },
          { url: 'revoke', valueUri: uris.revoke },
        ],
      },
    ],
  };
}
