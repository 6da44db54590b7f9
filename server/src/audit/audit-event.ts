// Builds R4 AuditEvents for FHIR interactions and authorization events, in the IHE Basic Audit Log
// Patterns shape (type rest or DCM 110112 Query, subtype the interaction). https://hl7.org/fhir/R4/auditevent.html
// They never carry tokens, secrets or passwords: only ids, references, codes and a query stripped of secrets.
import type { AuditEvent, AuditEventAgent, AuditEventEntity, Coding } from 'fhir/r4.js';

const DCM = 'http://dicom.nema.org/resources/ontology/DCM';
const EVENT_TYPE = 'http://terminology.hl7.org/CodeSystem/audit-event-type';
const INTERACTION = 'http://hl7.org/fhir/restful-interaction';
const AUTH_EVENT = 'https://fhir.fibrotrack.org/CodeSystem/authorization-event';
const ENTITY_TYPE = 'http://terminology.hl7.org/CodeSystem/audit-entity-type';
/** IHE Basic Audit Log Patterns: the entity carrying the request's X-Request-Id. */
const REQUEST_ID = {
  system: 'https://profiles.ihe.net/ITI/BALP/CodeSystem/BasicAuditEntityType',
  code: 'XrequestId',
  display: 'X-Request-Id',
};
const OBJECT_ROLE = 'http://terminology.hl7.org/CodeSystem/object-role';
const PARTICIPATION = 'http://terminology.hl7.org/CodeSystem/v3-ParticipationType';
const SOURCE_TYPE = 'http://terminology.hl7.org/CodeSystem/security-source-type';
export const CLIENT_ID_SYSTEM = 'https://fhir.fibrotrack.org/sid/client-id';

const REST: Coding = { system: EVENT_TYPE, code: 'rest', display: 'RESTful Operation' };
const QUERY: Coding = { system: DCM, code: '110112', display: 'Query' };
const USER_AUTHENTICATION: Coding = { system: DCM, code: '110114', display: 'User Authentication' };

/** Interactions that answer a query: audited as DCM 110112 Query with action E, as BALP does. */
const QUERIES = new Set(['search-type', 'history-instance', 'history-type', 'history-system', 'operation']);
const ACTION: Record<string, AuditEvent['action']> = {
  read: 'R',
  vread: 'R',
  create: 'C',
  update: 'U',
  patch: 'U',
  delete: 'D',
  'search-type': 'E',
  'history-instance': 'R',
  'history-type': 'E',
  'history-system': 'E',
  operation: 'E',
  transaction: 'E',
  batch: 'E',
  capabilities: 'R',
};

/** Query parameters that could carry a credential are never recorded. */
const SECRET_PARAM = /token|secret|password|assertion|code_verifier|authorization/i;

/** entity.detail.type of each validation issue a write stored under Prefer: handling=lenient carried. */
export const LENIENT_DETAIL = 'handling=lenient validation issue';

export interface Who {
  clientId?: string;
  /** `Practitioner/1`, `Patient/2`... */
  fhirUser?: string;
  /** OIDC subject (account id). */
  subject?: string;
  /** The patient in the token's context. */
  patient?: string;
  address?: string;
}

export interface RestAudit {
  who: Who;
  /** Interactions performed (one for a plain request; a bundle adds its entries'). */
  interactions: string[];
  /** HTTP status of the response. */
  status: number;
  /** `Observation/1`... touched by the request (read or written). */
  resources: string[];
  /** Patients whose records were touched, besides the one in context. */
  patients: string[];
  /** For queries: the query string as received. */
  query?: { path: string; params: URLSearchParams };
  /** Why it was refused, for failures. */
  diagnostics?: string;
  /** Resources stored under Prefer: handling=lenient, with the validation issues they were stored despite. */
  lenient?: ReadonlyMap<string, string[]>;
  recorded?: Date;
  /** X-Request-Id of the request: an entity of IHE BALP's XrequestId type. */
  requestId?: string;
}

export function restAuditEvent(a: RestAudit): AuditEvent {
  const first = a.interactions[0] ?? 'read';
  const entity: AuditEventEntity[] = [];
  for (const patient of new Set([...(a.who.patient ? [`Patient/${a.who.patient}`] : []), ...a.patients])) {
    entity.push({ what: { reference: patient }, type: code(ENTITY_TYPE, '1', 'Person'), role: code(OBJECT_ROLE, '1', 'Patient') });
  }
  for (const ref of new Set(a.resources)) {
    if (entity.some((e) => e.what?.reference === ref)) continue;
    const issues = a.lenient?.get(ref) ?? [];
    entity.push({
      what: { reference: ref },
      type: code(ENTITY_TYPE, '2', 'System Object'),
      role: code(OBJECT_ROLE, '4', 'Domain Resource'),
      ...(issues.length > 0 ? { detail: issues.map((valueString) => ({ type: LENIENT_DETAIL, valueString })) } : {}),
    });
  }
  if (a.query) {
    const params = new URLSearchParams([...a.query.params].filter(([k]) => !SECRET_PARAM.test(k)));
    const text = params.size > 0 ? `${a.query.path}?${params}` : a.query.path;
    entity.push({
      type: code(ENTITY_TYPE, '2', 'System Object'),
      role: code(OBJECT_ROLE, '24', 'Query'),
      description: text,
      query: Buffer.from(text, 'utf8').toString('base64'),
    });
  }
  // https://profiles.ihe.net/ITI/BALP/StructureDefinition-IHE.BasicAudit.SaveTransaction.html (entity:transaction)
  if (a.requestId) entity.push({ what: { identifier: { value: a.requestId } }, type: REQUEST_ID });
  return {
    resourceType: 'AuditEvent',
    type: QUERIES.has(first) ? QUERY : REST,
    subtype: [...new Set(a.interactions)].map((i) => ({ system: INTERACTION, code: i })),
    action: ACTION[first] ?? 'E',
    recorded: (a.recorded ?? new Date()).toISOString(),
    outcome: outcomeOf(a.status),
    ...(a.diagnostics && a.status >= 400 ? { outcomeDesc: a.diagnostics } : {}),
    agent: agents(a.who),
    source: source(),
    ...(entity.length > 0 ? { entity } : {}),
  };
}

export interface AuthorizationAudit {
  /** The oidc-provider event (`grant.success`, `authorization.error`, ...) or our own (`login.failure`). */
  event: string;
  /** DCM subtype where one fits: 110122 Login, 110123 Logout. */
  dicom?: '110122' | '110123';
  who: Who;
  success: boolean;
  /** OAuth error code and description for failures (never a token). */
  diagnostics?: string;
  recorded?: Date;
}

export function authorizationAuditEvent(a: AuthorizationAudit): AuditEvent {
  const subtype: Coding[] = [{ system: AUTH_EVENT, code: a.event }];
  if (a.dicom) subtype.unshift({ system: DCM, code: a.dicom, display: a.dicom === '110122' ? 'Login' : 'Logout' });
  return {
    resourceType: 'AuditEvent',
    type: USER_AUTHENTICATION,
    subtype,
    action: 'E',
    recorded: (a.recorded ?? new Date()).toISOString(),
    outcome: a.success ? '0' : '4',
    ...(a.diagnostics ? { outcomeDesc: redactCredentials(a.diagnostics) } : {}),
    agent: agents(a.who),
    source: source(),
    ...(a.who.patient
      ? {
          entity: [
            {
              what: { reference: `Patient/${a.who.patient}` },
              type: code(ENTITY_TYPE, '1', 'Person'),
              role: code(OBJECT_ROLE, '1', 'Patient'),
            },
          ],
        }
      : {}),
  };
}

/** 0 success, 4 minor failure (the client's: 4xx), 8 serious failure (ours: 5xx). */
function outcomeOf(status: number): AuditEvent['outcome'] {
  if (status < 400) return '0';
  return status < 500 ? '4' : '8';
}

/** The client application and, when there is one, the user it acts for (the requestor). */
function agents(who: Who): AuditEventAgent[] {
  const network = who.address ? { network: { address: who.address, type: '2' as const } } : {};
  const out: AuditEventAgent[] = [];
  if (who.fhirUser || who.subject) {
    out.push({
      type: { coding: [code(PARTICIPATION, 'IRCP', 'information recipient')] },
      ...(who.fhirUser ? { who: { reference: who.fhirUser } } : {}),
      ...(who.subject ? { altId: who.subject } : {}),
      requestor: true,
      ...network,
    });
  }
  out.push({
    type: { coding: [code(DCM, '110150', 'Application')] },
    who: who.clientId ? { identifier: { system: CLIENT_ID_SYSTEM, value: who.clientId } } : { display: 'unauthenticated client' },
    requestor: out.length === 0,
    ...network,
  });
  return out;
}

function source(): AuditEvent['source'] {
  return { observer: { display: 'FibroTrack FHIR server' }, type: [{ system: SOURCE_TYPE, code: '4', display: 'Application Server' }] };
}

function code(system: string, c: string, display: string): Coding {
  return { system, code: c, display };
}

/**
 * The Patients a resource's data belongs to, as far as an audit needs it: the Patient itself and every
 * Patient it references. A scan of the JSON is much cheaper than running the search parameters on it.
 */
export function patientsIn(resource: { resourceType: string; id?: string }, fhirBase: string): string[] {
  const ids = new Set<string>();
  if (resource.resourceType === 'Patient' && resource.id) ids.add(resource.id);
  const text = JSON.stringify(resource);
  for (const m of text.matchAll(/"reference":"([^"]*)"/g)) {
    const ref = m[1].startsWith(`${fhirBase}/`) ? m[1].slice(fhirBase.length + 1) : m[1];
    const match = /^Patient\/([A-Za-z0-9\-.]{1,64})(?:\/_history\/[^/]+)?$/.exec(ref);
    if (match) ids.add(match[1]);
  }
  return [...ids];
}

/** Anything shaped like a token or key (long runs of base64url) is cut out of free text. */
export function redactCredentials(text: string): string {
  return text.replace(/[A-Za-z0-9_\-.~+/=]{24,}/g, '[redacted]');
}
