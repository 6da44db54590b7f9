// capabilities: GET [base]/metadata, generated from the route table. https://hl7.org/fhir/R4/http.html#capabilities
import type { CapabilityStatement, CapabilityStatementRestResource, CapabilityStatementRestResourceInteraction, CapabilityStatementRestSecurity } from 'fhir/r4.js';
import { badRequest } from '../../core/outcomes.js';
import { PARAM_TYPE_SQL } from '../../search/param-types.js';
import type { FhirContext } from '../fhir-context.js';
import type { FhirRequest, FhirResponse } from '../fhir-request.js';
import { ROUTES, type InteractionCode } from '../routes.js';

const SYSTEM_LEVEL = new Set<InteractionCode>(['transaction', 'batch', 'history-system']);
const CACHE = new WeakMap<FhirContext, CapabilityStatement>();

export async function capabilities(req: FhirRequest, ctx: FhirContext): Promise<FhirResponse> {
  const mode = req.query.get('mode');
  if (mode !== null && mode !== 'full') throw badRequest(`mode '${mode}' is not supported; use mode=full`, 'mode');
  let statement = CACHE.get(ctx);
  if (!statement) CACHE.set(ctx, (statement = buildCapabilityStatement(ctx)));
  return { status: 200, resource: statement };
}

export function buildCapabilityStatement(ctx: FhirContext): CapabilityStatement {
  const routed = new Set(ROUTES.map((r) => r.interaction));
  const conditional = (code: InteractionCode) => ROUTES.some((r) => r.interaction === code && r.conditional);
  const typeInteractions = [...routed].filter((c) => c !== 'capabilities' && c !== 'operation' && !SYSTEM_LEVEL.has(c)).sort();
  // `{type}` operations ($validate) apply to every type; one entry per operation name, whatever its routes.
  const operationsOf = (type: string) => [
    ...new Map(ROUTES.filter((r) => r.operation && (r.pattern[0] === type || r.pattern[0] === '{type}')).map((r) => [r.operation!.name, r.operation!])).values(),
  ];
  // One Bundle route serves both kinds: transaction and batch.
  const systemInteractions = [...routed, 'batch' as const].filter((c) => SYSTEM_LEVEL.has(c));
  const resources: CapabilityStatementRestResource[] = ctx.defs.resourceTypes.map((type) => ({
    type,
    ...(operationsOf(type).length > 0 ? { operation: operationsOf(type) } : {}),
    profile: `http://hl7.org/fhir/StructureDefinition/${type}`,
    ...(ctx.profiles?.supportedProfiles(type).length ? { supportedProfile: ctx.profiles.supportedProfiles(type) } : {}),
    interaction: typeInteractions.map((code) => ({ code: code as CapabilityStatementRestResourceInteraction['code'] })),
    versioning: 'versioned-update',
    readHistory: true,
    updateCreate: true,
    conditionalCreate: routed.has('create'),
    conditionalRead: 'not-supported',
    conditionalUpdate: conditional('update'),
    conditionalDelete: conditional('delete') ? 'single' : 'not-supported',
    referencePolicy: ['literal', 'logical'],
    searchParam: [...ctx.defs.searchParams(type).values()]
      .filter((p) => PARAM_TYPE_SQL[p.type] !== undefined && (p.expression !== undefined || p.code === '_id'))
      .map((p) => ({ name: p.code, definition: p.url, type: p.type })),
  }));
  return {
    resourceType: 'CapabilityStatement',
    status: 'active',
    date: '2026-11-22',
    publisher: 'FibroTrack',
    kind: 'instance',
    software: { name: 'FibroTrack FHIR', version: '0.1.0' },
    implementation: { description: 'FibroTrack FHIR R4 server', url: ctx.baseUrl },
    fhirVersion: '4.0.1',
    ...(ctx.profiles?.implementationGuides.length ? { implementationGuide: ctx.profiles.implementationGuides } : {}),
    format: ['application/fhir+json', 'application/json'],
    patchFormat: ['application/json-patch+json', 'application/fhir+json'],
    rest: [
      {
        mode: 'server',
        ...(ctx.oauthUris ? { security: smartSecurity(ctx.oauthUris) } : {}),
        compartment: ctx.defs.compartmentTypes.map((c) => `http://hl7.org/fhir/CompartmentDefinition/${c.charAt(0).toLowerCase()}${c.slice(1)}`),
        resource: resources,
        interaction: [...new Set(systemInteractions)].map((code) => ({ code: code as 'transaction' | 'batch' | 'history-system' })),
      },
    ],
  };
}

/** SMART on FHIR 1.0 clients find the authorization server here. https://hl7.org/fhir/smart-app-launch/conformance.html */
function smartSecurity(uris: NonNullable<FhirContext['oauthUris']>): CapabilityStatementRestSecurity {
  return {
    cors: true,
    service: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/restful-security-service', code: 'SMART-on-FHIR' }], text: 'OAuth2 using SMART-on-FHIR profile' }],
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
