// Dispatches a FhirRequest to its interaction by a route table; knows nothing of HTTP. The context carries its
// router (ctx.router), so a Bundle's entries are dispatched without the bundle interaction importing this file.
import { badRequest, methodNotAllowed, routeNotFound, unknownType } from '../core/outcomes.js';
import { isValidId } from '../core/ids.js';
import type { FhirContext } from './fhir-context.js';
import type { FhirRequest, FhirResponse, InteractionTarget } from './fhir-request.js';
import type { Route, RouteParams } from './routes.js';
import { isFhirBody } from './media-types.js';

/** What a context dispatches through: the route table of the server, with the routes features registered into it. */
export interface FhirDispatcher {
  readonly routes: readonly Route[];
  handle(req: FhirRequest, ctx: FhirContext): Promise<FhirResponse>;
  /** Checks a request with ctx.authorize without running it (a transaction checks every entry before the first runs). */
  authorize(req: FhirRequest, ctx: FhirContext): void;
  /**
   * Whether the route for this request streams its body (the HTTP layer then hands over the request unread): uploads,
   * and POST Binary / PUT Binary/[id] in a non-FHIR media type. https://hl7.org/fhir/R4/http.html#binary
   */
  streamsBody(method: string, path: string, contentType?: string): boolean;
}

export class FhirRouter implements FhirDispatcher {
  private readonly table: Route[];

  constructor(routes: readonly Route[]) {
    this.table = [...routes];
  }

  get routes(): readonly Route[] {
    return this.table;
  }

  /** A feature's operations (wearables, bulk export, Subscriptions), registered by fhir-services.ts: they join the operations, before the interactions. */
  register(routes: readonly Route[]): void {
    const firstInteraction = this.table.findIndex((r) => r.interaction !== 'operation' && r.interaction !== 'capabilities');
    this.table.splice(firstInteraction < 0 ? this.table.length : firstInteraction, 0, ...routes);
  }

  async handle(req: FhirRequest, ctx: FhirContext): Promise<FhirResponse> {
    const { route, params } = resolveRoute(this.table, req, ctx);
    ctx.authorize?.(req, interactionTarget(route, params, ctx));
    return route.handle(req, params, ctx);
  }

  authorize(req: FhirRequest, ctx: FhirContext): void {
    if (!ctx.authorize) return;
    const { route, params } = resolveRoute(this.table, req, ctx);
    ctx.authorize(req, interactionTarget(route, params, ctx));
  }

  streamsBody(method: string, path: string, contentType?: string): boolean {
    const segments = path.split('/').filter((s) => s.length > 0);
    const binaryWrite = (method === 'POST' && segments.length === 1) || (method === 'PUT' && segments.length === 2);
    if (binaryWrite && segments[0] === 'Binary' && contentType !== undefined && !isFhirBody(contentType)) return true;
    return this.table.some(
      (r) => r.streamsBody && r.method === method && r.pattern.length === segments.length && literalsMatch(r, segments),
    );
  }
}

/** Runs a request through the context's router (what the HTTP layer, the CLI and tests call). */
export function handleFhirRequest(req: FhirRequest, ctx: FhirContext): Promise<FhirResponse> {
  return ctx.router.handle(req, ctx);
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

function resolveRoute(routes: readonly Route[], req: FhirRequest, ctx: FhirContext): { route: Route; params: RouteParams } {
  const segments = req.path.split('/').filter((s) => s.length > 0);
  const method = req.method === 'HEAD' ? 'GET' : req.method;
  const shaped = mostSpecific(routes.filter((r) => r.pattern.length === segments.length && literalsMatch(r, segments)));
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
