// Dispatches a FhirRequest to its interaction by the route table; knows nothing of HTTP.
import { badRequest, methodNotAllowed, routeNotFound, unknownType } from '../core/outcomes.js';
import { isValidId } from '../core/ids.js';
import type { FhirContext } from './fhir-context.js';
import type { FhirRequest, FhirResponse, InteractionTarget } from './fhir-request.js';
import { ROUTES, type Route, type RouteParams } from './routes.js';

export async function handleFhirRequest(req: FhirRequest, ctx: FhirContext): Promise<FhirResponse> {
  const { route, params } = resolveRoute(req, ctx);
  ctx.authorize?.(req, interactionTarget(route, params, ctx));
  return route.handle(req, params, ctx);
}

/** Checks a request with ctx.authorize without running it (a transaction checks every entry before the first runs). */
export function authorizeRequest(req: FhirRequest, ctx: FhirContext): void {
  if (!ctx.authorize) return;
  const { route, params } = resolveRoute(req, ctx);
  ctx.authorize(req, interactionTarget(route, params, ctx));
}

function interactionTarget(route: Route, params: RouteParams, ctx: FhirContext): InteractionTarget {
  // Type-level operations (Observation/$lastn) name their type as a literal segment.
  const literalType = route.pattern[0] !== undefined && ctx.defs.isResourceType(route.pattern[0]) ? route.pattern[0] : '';
  return {
    interaction: route.interaction,
    type: params.type || literalType,
    id: params.id,
    compartmentType: params.compartmentType,
    operation: route.operation?.name,
  };
}

function resolveRoute(req: FhirRequest, ctx: FhirContext): { route: Route; params: RouteParams } {
  const segments = req.path.split('/').filter((s) => s.length > 0);
  const method = req.method === 'HEAD' ? 'GET' : req.method;
  const shaped = mostSpecific(ROUTES.filter((r) => r.pattern.length === segments.length && literalsMatch(r, segments)));
  if (shaped.length === 0) throw routeNotFound(req.path);
  const hasCriteria = [...req.query.keys()].some((k) => k !== '_format' && k !== '_pretty');
  const route =
    shaped.find((r) => r.method === method && (r.conditional === undefined || r.conditional === hasCriteria)) ??
    shaped.find((r) => r.method === method);
  if (!route) throw methodNotAllowed(req.method, req.path, [...new Set(shaped.map((r) => r.method))]);
  if (route.conditional && !hasCriteria) throw badRequest(`${method} on a resource type needs search criteria or an id`);
  return { route, params: bindParams(route, segments, ctx) };
}

/** `_history` is a literal, not a resource type: routes with more literal segments win. */
function mostSpecific(routes: Route[]): Route[] {
  const literals = (r: Route) => r.pattern.filter((p) => !p.startsWith('{')).length;
  const best = Math.max(...routes.map(literals));
  return routes.filter((r) => literals(r) === best);
}

function literalsMatch(route: Route, segments: string[]): boolean {
  return route.pattern.every((p, i) => p.startsWith('{') || p === segments[i]);
}

function bindParams(route: Route, segments: string[], ctx: FhirContext): RouteParams {
  const params: RouteParams = { type: '', id: '', vid: '', compartmentType: '' };
  route.pattern.forEach((p, i) => {
    const value = segments[i];
    if (p === '{type}') {
      if (!ctx.defs.isResourceType(value)) throw unknownType(value);
      params.type = value;
    } else if (p === '{id}') {
      if (value.startsWith('$')) throw routeNotFound(`${segments.join('/')}: operation ${value} is not supported here`);
      if (!isValidId(value)) throw badRequest(`'${value}' is not a valid resource id`, 'id', 'MSG_ID_INVALID');
      params.id = value;
    } else if (p === '{vid}') params.vid = value;
    else if (p === '{compartmentType}') {
      if (!ctx.defs.isResourceType(value)) throw unknownType(value);
      params.compartmentType = value;
    }
  });
  return params;
}
