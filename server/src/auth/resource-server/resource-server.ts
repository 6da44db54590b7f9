// The FHIR API as a SMART resource server (AUTH_MODE=smart): CORS for registered origins, one AuditEvent
// per request, bearer token verification (401), per-client rate limits (429), and the per-request FHIR
// context whose repository and authorize hook apply the access policy (403, or 404 for what it may not read).
// https://hl7.org/fhir/smart-app-launch/STU2.2/app-launch.html#step-5-access-protected-resources
import type { ErrorRequestHandler, NextFunction, Request, RequestHandler, Response } from 'express';
import type { Resource } from 'fhir/r4.js';
import type { AuditLog } from '../../audit/audit-log.js';
import { patientsIn } from '../../audit/audit-event.js';
import { RequestTrail } from '../../audit/request-trail.js';
import type { Definitions } from '../../definitions/r4-definitions.js';
import type { FhirContext } from '../../fhir/fhir-context.js';
import type { FhirRequest } from '../../fhir/fhir-request.js';
import type { ResourceIndexer } from '../../indexing/resource-indexer.js';
import type { AccessContext, TokenVerifier } from '../access-context.js';
import { AccessPolicy } from './authorize-interaction.js';
import { AuthorizedRepository } from './authorized-repository.js';
import { registeredOriginsCors } from './cors.js';
import { checkLenientWriteScope } from './lenient-write-scope.js';
import { OutcomeError } from '../../core/outcomes.js';
import { unauthorized } from './outcomes.js';
import type { RateLimiter } from './rate-limit.js';
import { createResourceFacts } from './resource-facts.js';
import { wrapStorage } from '../../store/repository.js';

export interface ResourceServerDeps {
  verifier: TokenVerifier;
  defs: Definitions;
  fhirBase: string;
  audit: AuditLog;
  rateLimiter: RateLimiter;
  /** Origins of registered clients (ClientStore.allowedOrigins). */
  allowedOrigins: () => Promise<Set<string>>;
  /** The app's indexer, shared so compartment checks read exactly the rows search reads. */
  indexer?: ResourceIndexer;
}

export interface ResourceServer {
  /** Mount on /fhir, in this order, before the FHIR handler. */
  before: RequestHandler[];
  /** Mount on /fhir after the FHIR handler: notes why a request failed, for its AuditEvent. */
  after: ErrorRequestHandler;
  /** The FHIR context one authenticated request runs in (fhirHandler's contextFor). */
  contextFor(req: FhirRequest, ctx: FhirContext, locals: Record<string, unknown>): FhirContext;
}

/** Discovery stays public: clients read it before they have a token. */
const PUBLIC = new Set(['metadata', '.well-known/smart-configuration']);
/** Published definitions are public too, so integrators can fetch our profiles by their canonical URLs. */
const CONFORMANCE_TYPES = new Set([
  'StructureDefinition',
  'ValueSet',
  'CodeSystem',
  'SearchParameter',
  'OperationDefinition',
  'ImplementationGuide',
  'CapabilityStatement',
  'CompartmentDefinition',
  'ConceptMap',
  'NamingSystem',
  'StructureMap',
]);
/** Terminology operations read only definitions: public by GET, as the definitions are (a POST needs a token). */
const TERMINOLOGY_OPERATIONS: Record<string, string[]> = {
  ValueSet: ['$expand', '$validate-code'],
  CodeSystem: ['$lookup', '$validate-code', '$subsumes'],
};
/** Chains, `_has` and includes could reach patient data from a definition search: those need a token. */
const REACHES_BEYOND = /[.:]|^_(has|include|revinclude)$/;

/** `query` is read only for paths that could be public. */
const isPublicPath = (method: string, path: string, query: () => URLSearchParams | undefined) => {
  if (method !== 'GET' && method !== 'HEAD') return false;
  const clean = path.replace(/^\/+|\/+$/g, '');
  if (PUBLIC.has(clean)) return true;
  const [type, ...rest] = clean.split('/');
  const terminology =
    (TERMINOLOGY_OPERATIONS[type] ?? []).includes(rest[rest.length - 1]) &&
    (rest.length === 1 || (rest.length === 2 && !rest[0].startsWith('$')));
  const shapeOk = terminology || (rest.length <= 1 ? !rest[0]?.startsWith('$') : rest.length <= 3 && rest[1] === '_history');
  if (!CONFORMANCE_TYPES.has(type) || !shapeOk) return false;
  const params = query();
  return params !== undefined && ![...params.keys()].some((k) => REACHES_BEYOND.test(k));
};
const queryOf = (req: { originalUrl?: string; url?: string }) => new URL(req.originalUrl ?? req.url ?? '/', 'http://local').searchParams;
/** Decided once per request, by the first middleware, and kept in res.locals for the next. */
const isPublic = (req: Request, res: Response): boolean =>
  (res.locals.publicRequest ??= isPublicPath(req.method, req.path, () => queryOf(req))) as boolean;
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;

export function createResourceServer(deps: ResourceServerDeps): ResourceServer {
  const facts = createResourceFacts(deps.defs, deps.fhirBase, deps.indexer);

  const auditRequests: RequestHandler = (req, res, next) => {
    if (isPublic(req, res) || req.method === 'OPTIONS') return next();
    const trail = new RequestTrail();
    trail.who.address = req.ip;
    trail.requestId = res.locals.requestId as string | undefined;
    res.locals.auditTrail = trail;
    // 'close' also ends requests the client abandoned; either way the request is recorded once.
    let recorded = false;
    const record = () => {
      if (recorded) return;
      recorded = true;
      deps.audit.record(trail.toAuditEvent(res.statusCode, fallbackInteraction(req)));
    };
    res.on('finish', record);
    res.on('close', record);
    next();
  };

  const authenticate = async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    if (isPublic(req, res)) return next();
    try {
      const header = req.headers.authorization;
      if (header === undefined) throw unauthorized('This FHIR API needs an access token: send Authorization: Bearer <token>', false);
      const token = BEARER.exec(header)?.[1];
      if (!token) throw unauthorized('The Authorization header must be "Bearer <access token>"', true);
      const access = await deps.verifier.verify(token);
      if (!access || access.expiresAt * 1000 <= Date.now()) {
        throw unauthorized('The access token is not valid: unknown, expired, revoked or issued for another server', true);
      }
      res.locals.access = access;
      // What a token reads is one patient's data for one client: no browser or proxy may keep a copy (a cached
      // page would outlive the token's revocation).
      res.setHeader('Cache-Control', 'no-store');
      const trail = res.locals.auditTrail as RequestTrail | undefined;
      if (trail) trail.who = { ...whoOf(access), address: req.ip };
      await deps.rateLimiter.take(access.clientId);
      // An auditor reads every event recorded before its request, not only those already flushed.
      if (/(^|\/)(AuditEvent|_history)(\/|$)/.test(req.path)) await deps.audit.flush();
      next();
    } catch (err) {
      next(err);
    }
  };

  const after: ErrorRequestHandler = (err, _req, res, next) => {
    const trail = res.locals.auditTrail as RequestTrail | undefined;
    // Our own outcomes say what the client did wrong; anything else is a bug whose message stays in the log.
    if (trail) trail.diagnostics = err instanceof OutcomeError ? err.message : 'Internal server error';
    next(err);
  };

  return {
    before: [registeredOriginsCors(deps.allowedOrigins), auditRequests, authenticate],
    after,
    contextFor(req, ctx, locals) {
      const access = req.access;
      if (!access) {
        if (isPublicPath(req.method, req.path, () => req.query)) return ctx;
        // The bearer middleware lets only public requests through without access; fail closed on anything else.
        throw unauthorized('This FHIR API needs an access token', false);
      }
      const trail = locals.auditTrail as RequestTrail | undefined;
      const policy = new AccessPolicy(access, facts, deps.defs);
      const touched = (r: Resource) => trail?.touched(`${r.resourceType}/${r.id}`, patientsIn(r, deps.fhirBase));
      return {
        ...ctx,
        // Beneath the Binary content layer: rows are judged before any content is downloaded.
        repo: wrapStorage(
          ctx.repo,
          (stored) =>
            new AuthorizedRepository(
              stored,
              policy,
              facts,
              deps.defs,
              touched,
              (found) => {
                for (const r of found) trail?.found(patientsIn(r, deps.fhirBase));
              },
              (reference, resource, why) => {
                trail?.touched(reference, resource ? patientsIn(resource, deps.fhirBase) : []);
                if (trail) trail.refused ??= why;
              },
            ),
        ),
        checkLenientWrite: checkLenientWriteScope,
        noteLenientWrite(reference, issues) {
          trail?.lenient.set(
            reference,
            issues.map((i) => i.diagnostics ?? i.code),
          );
          trail?.touched(reference, []);
        },
        authorize(entry, target) {
          const isQuery = ['search-type', 'history-instance', 'history-type', 'history-system', 'operation'].includes(target.interaction);
          trail?.interaction(target.interaction, isQuery ? { path: entry.path, params: entry.query } : undefined);
          // The instance asked for is named even when the request is refused or finds nothing.
          if (target.type && target.id) trail?.touched(`${target.type}/${target.id}`, target.type === 'Patient' ? [target.id] : []);
          policy.checkInteraction(target);
        },
      };
    },
  };
}

function whoOf(access: AccessContext) {
  return { clientId: access.clientId, fhirUser: access.fhirUser, subject: access.subject, patient: access.patient };
}

/** For requests refused before routing (401, 429): the interaction the method suggests. */
function fallbackInteraction(req: Request): string {
  return { GET: 'read', HEAD: 'read', POST: 'create', PUT: 'update', PATCH: 'patch', DELETE: 'delete' }[req.method] ?? 'operation';
}
