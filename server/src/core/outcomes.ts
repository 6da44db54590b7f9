// The one catalog of OperationOutcomes a request can end in, and the error that carries one with its status.
// https://hl7.org/fhir/R4/operationoutcome.html
import type { OperationOutcome, OperationOutcomeIssue } from 'fhir/r4.js';

/** HL7 message ids (http://terminology.hl7.org/CodeSystem/operation-outcome) that clients and tests can rely on. */
export const MSG_SYSTEM = 'http://terminology.hl7.org/CodeSystem/operation-outcome';

export type IssueSeverity = OperationOutcomeIssue['severity'];
export type IssueCode = OperationOutcomeIssue['code'];

export interface IssueInit {
  severity?: IssueSeverity;
  code: IssueCode;
  diagnostics: string;
  expression?: string | string[];
  messageId?: string;
}

export function issue(init: IssueInit): OperationOutcomeIssue {
  const out: OperationOutcomeIssue = { severity: init.severity ?? 'error', code: init.code };
  if (init.messageId) out.details = { coding: [{ system: MSG_SYSTEM, code: init.messageId }] };
  out.diagnostics = init.diagnostics;
  if (init.expression !== undefined) {
    out.expression = Array.isArray(init.expression) ? init.expression : [init.expression];
  }
  return out;
}

export function outcome(...issues: OperationOutcomeIssue[]): OperationOutcome {
  return { resourceType: 'OperationOutcome', issue: issues };
}

/**
 * What went wrong, as the one place that decides the HTTP status: a throw site names the kind of failure, never
 * a status. https://hl7.org/fhir/R4/http.html#Status-Codes
 */
export const OUTCOME_STATUS = {
  invalid: 400,
  'login-required': 401,
  forbidden: 403,
  'not-found': 404,
  'method-not-allowed': 405,
  'not-acceptable': 406,
  conflict: 409,
  gone: 410,
  'precondition-failed': 412,
  'too-large': 413,
  'unsupported-media-type': 415,
  unprocessable: 422,
  'too-many-requests': 429,
  /** nginx's "client closed request": only logged, the client is gone. */
  'client-closed': 499,
  /** The server failed (a bug, or a job whose node stopped). */
  internal: 500,
  /** An upstream service we called (Fitbit) failed or answered something unusable. */
  'bad-gateway': 502,
  unavailable: 503,
} as const;

export type OutcomeCode = keyof typeof OUTCOME_STATUS;

/** The code of a status, for an answer stored with its status (a finished job's). */
export function outcomeCodeOf(status: number): OutcomeCode {
  const found = (Object.keys(OUTCOME_STATUS) as OutcomeCode[]).find((c) => OUTCOME_STATUS[c] === status);
  if (!found) throw new Error(`No outcome code has status ${status}`);
  return found;
}

/** Thrown anywhere below the HTTP layer; the error handler turns it into a response with `status`, from its code. */
export class OutcomeError extends Error {
  readonly status: number;

  constructor(
    readonly code: OutcomeCode,
    readonly outcome: OperationOutcome,
    readonly headers: Record<string, string> = {},
  ) {
    super(outcome.issue.map((i) => i.diagnostics).join('; '));
    this.name = 'OutcomeError';
    this.status = OUTCOME_STATUS[code];
  }
}

/** One issue, as an error of that code. */
export function failure(code: OutcomeCode, init: IssueInit, headers?: Record<string, string>): OutcomeError {
  return new OutcomeError(code, outcome(issue(init)), headers);
}

const fail = failure;

export const allOk = (diagnostics = 'All OK'): OperationOutcome =>
  outcome(issue({ severity: 'information', code: 'informational', diagnostics, messageId: 'MSG_ALL_OK' }));

/** A request the server cannot act on; `messageId` names the reason when the operation-outcome CodeSystem has one. */
export const badRequest = (diagnostics: string, expression?: string | string[], messageId?: string) =>
  fail('invalid', { code: 'invalid', diagnostics, expression, messageId });

/** A request parameter (search, history, operation) this server does not know: MSG_PARAM_UNKNOWN. */
export const unknownParameter = (diagnostics: string, parameter: string) =>
  fail('invalid', { code: 'not-supported', diagnostics, expression: parameter, messageId: 'MSG_PARAM_UNKNOWN' });

/** A known parameter with a value it cannot take (`date=gtbanana`, `_count=-1`): MSG_PARAM_INVALID. */
export const invalidParameter = (diagnostics: string, parameter: string) =>
  fail('invalid', { code: 'value', diagnostics, expression: parameter, messageId: 'MSG_PARAM_INVALID' });

/** A known search parameter with a modifier it does not take: MSG_PARAM_MODIFIER_INVALID. */
export const invalidModifier = (diagnostics: string, parameter: string) =>
  fail('invalid', { code: 'not-supported', diagnostics, expression: parameter, messageId: 'MSG_PARAM_MODIFIER_INVALID' });

/** A chain (`subject:Patient.name`, `_has:...`) through a parameter that cannot be chained: MSG_PARAM_CHAINED. */
export const unknownChain = (diagnostics: string, parameter: string) =>
  fail('invalid', { code: 'not-supported', diagnostics, expression: parameter, messageId: 'MSG_PARAM_CHAINED' });

/** _sort on a parameter this type does not have: MSG_SORT_UNKNOWN. */
export const unknownSort = (diagnostics: string) =>
  fail('invalid', { code: 'not-supported', diagnostics, expression: '_sort', messageId: 'MSG_SORT_UNKNOWN' });

/** 400 (invalid) or 422 (unprocessable) carrying several validation issues at once. */
export const invalidResource = (issues: OperationOutcomeIssue[], code: 'invalid' | 'unprocessable' = 'invalid') =>
  new OutcomeError(code, outcome(...issues));

export const unprocessable = (diagnostics: string, expression?: string | string[]) =>
  fail('unprocessable', { code: 'processing', diagnostics, expression });

export const unknownType = (type: string) =>
  fail('not-found', { code: 'not-supported', diagnostics: `Unknown resource type '${type}'`, messageId: 'MSG_UNKNOWN_TYPE' });

export const notFound = (type: string, id: string) =>
  fail('not-found', { code: 'not-found', diagnostics: `Resource ${type}/${id} is not known`, messageId: 'MSG_NO_EXIST' });

/** A definition named by canonical URL (a value set, a code system) that this server does not hold. */
export const unknownDefinition = (diagnostics: string, expression?: string) =>
  fail('not-found', { code: 'not-found', diagnostics, expression, messageId: 'MSG_NO_EXIST' });

export const versionNotFound = (type: string, id: string, vid: string) =>
  fail('not-found', {
    code: 'not-found',
    diagnostics: `Version ${vid} of resource ${type}/${id} is not known`,
    messageId: 'MSG_NO_EXIST',
  });

export const gone = (type: string, id: string, versionId: string) =>
  fail(
    'gone',
    { code: 'deleted', diagnostics: `Resource ${type}/${id} was deleted (version ${versionId})`, messageId: 'MSG_DELETED_ID' },
    { ETag: `W/"${versionId}"` },
  );

export const routeNotFound = (path: string) => fail('not-found', { code: 'not-found', diagnostics: `No FHIR interaction at '${path}'` });

export const methodNotAllowed = (method: string, path: string, allowed: string[]) =>
  fail(
    'method-not-allowed',
    { code: 'not-supported', diagnostics: `Method ${method} is not allowed on '${path}'; allowed: ${allowed.join(', ')}` },
    { Allow: allowed.join(', ') },
  );

export const conflict = (diagnostics: string, expression?: string) => fail('conflict', { code: 'conflict', diagnostics, expression });

export const versionConflict = (type: string, id: string, expected: string, actual: string) =>
  fail('precondition-failed', {
    code: 'conflict',
    diagnostics: `Version conflict on ${type}/${id}: If-Match asked for version ${expected} but the current version is ${actual}`,
    messageId: 'MSG_VERSION_AWARE_CONFLICT',
  });

/**
 * Conditional criteria that had to match one resource match several: 412, `multiple-matches`, with the message id
 * the CodeSystem has for the interaction (UPDATE_MULTIPLE_MATCHES, DELETE_MULTIPLE_MATCHES, else SEARCH_MULTIPLE).
 */
export const multipleMatches = (diagnostics: string, messageId = 'SEARCH_MULTIPLE') =>
  fail('precondition-failed', { code: 'multiple-matches', diagnostics, messageId });

/** A conditional reference in a transaction that matches nothing: 412, MSG_NO_MATCH. */
export const noMatch = (diagnostics: string) => fail('precondition-failed', { code: 'not-found', diagnostics, messageId: 'MSG_NO_MATCH' });

/** Another request holds a lock this one needs (a database lock, not a version conflict): 409 `lock-error`. */
export const lockFailed = (diagnostics: string) => fail('conflict', { code: 'lock-error', diagnostics });

export const notAcceptable = (diagnostics: string) => fail('not-acceptable', { code: 'not-supported', diagnostics });

export const unsupportedMediaType = (contentType: string) =>
  fail('unsupported-media-type', {
    code: 'not-supported',
    diagnostics: `Content-Type '${contentType}' is not supported; send application/fhir+json or application/json`,
  });

export const payloadTooLarge = (limitBytes: number) =>
  fail('too-large', { code: 'too-costly', diagnostics: `Request body exceeds the limit of ${limitBytes} bytes` });

/** A body within the byte limit that holds more than the server works through in one request (items, elements). */
export const tooCostly = (diagnostics: string, expression?: string) => fail('too-large', { code: 'too-costly', diagnostics, expression });

export const resourceTooLarge = (type: string, bytes: number, limitBytes: number) =>
  fail('too-large', {
    code: 'too-costly',
    diagnostics: `This ${type} is ${bytes} bytes of JSON; this server stores resources of up to ${limitBytes} bytes (put large content in a Binary or an attachment URL)`,
  });

export const notSupported = (diagnostics: string) => fail('invalid', { code: 'not-supported', diagnostics });

/** A dependency ('The database', 'Redis') cannot be reached: 503, and when to try again. */
export const serviceUnavailable = (dependency: string, detail: string, retryAfterSeconds: number) =>
  fail(
    'unavailable',
    { code: 'transient', diagnostics: `${dependency} is unavailable (${detail}); retry in ${retryAfterSeconds} s` },
    { 'Retry-After': String(retryAfterSeconds) },
  );

/** A request over one of the server's documented limits (docs/access-control-and-audit.md, "Limits"): refused before any work is done. */
export const overLimit = (diagnostics: string, parameter: string) =>
  fail('invalid', { code: 'too-costly', diagnostics, expression: parameter });

/** An upstream service we called (Fitbit) failed, was too slow, or answered something unusable. */
export const badGateway = (diagnostics: string) => fail('bad-gateway', { code: 'transient', diagnostics });

/** 403 for a person (a browser form, no token): the action is not theirs to take. */
export const notPermitted = (diagnostics: string) => fail('forbidden', { code: 'forbidden', diagnostics });

/** Too many asynchronous jobs (exports) are running: 429, and when a slot may have freed. */
export const tooManyJobs = (diagnostics: string, retryAfterSeconds: number) =>
  fail('too-many-requests', { code: 'throttled', diagnostics }, { 'Retry-After': String(retryAfterSeconds) });

/** An asynchronous job ended in failure on the server's side (its status URL reports it). */
export const jobFailed = (diagnostics: string) => fail('internal', { code: 'exception', diagnostics });
