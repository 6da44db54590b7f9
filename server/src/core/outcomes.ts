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

/** Thrown anywhere below the HTTP layer; the error handler turns it into a response with `status`. */
export class OutcomeError extends Error {
  constructor(
    readonly status: number,
    readonly outcome: OperationOutcome,
    readonly headers: Record<string, string> = {},
  ) {
    super(outcome.issue.map((i) => i.diagnostics).join('; '));
    this.name = 'OutcomeError';
  }
}

function fail(status: number, init: IssueInit, headers?: Record<string, string>): OutcomeError {
  return new OutcomeError(status, outcome(issue(init)), headers);
}

export const allOk = (diagnostics = 'All OK'): OperationOutcome =>
  outcome(issue({ severity: 'information', code: 'informational', diagnostics, messageId: 'MSG_ALL_OK' }));

export const badRequest = (diagnostics: string, expression?: string | string[]) =>
  fail(400, { code: 'invalid', diagnostics, expression });

export const badSearchParameter = (diagnostics: string, parameter: string) =>
  fail(400, { code: 'invalid', diagnostics, expression: parameter, messageId: 'MSG_PARAM_UNKNOWN' });

/** 400 or 422 carrying several validation issues at once. */
export const invalidResource = (issues: OperationOutcomeIssue[], status = 400) =>
  new OutcomeError(status, outcome(...issues));

export const unprocessable = (diagnostics: string, expression?: string | string[]) =>
  fail(422, { code: 'processing', diagnostics, expression });

export const unknownType = (type: string) =>
  fail(404, { code: 'not-supported', diagnostics: `Unknown resource type '${type}'`, messageId: 'MSG_UNKNOWN_TYPE' });

export const notFound = (type: string, id: string) =>
  fail(404, { code: 'not-found', diagnostics: `Resource ${type}/${id} is not known`, messageId: 'MSG_NO_EXIST' });

export const versionNotFound = (type: string, id: string, vid: string) =>
  fail(404, {
    code: 'not-found',
    diagnostics: `Version ${vid} of resource ${type}/${id} is not known`,
    messageId: 'MSG_NO_EXIST',
  });

export const gone = (type: string, id: string, versionId: string) =>
  fail(
    410,
    { code: 'deleted', diagnostics: `Resource ${type}/${id} was deleted (version ${versionId})`, messageId: 'MSG_DELETED_ID' },
    { ETag: `W/"${versionId}"` },
  );

export const routeNotFound = (path: string) =>
  fail(404, { code: 'not-found', diagnostics: `No FHIR interaction at '${path}'` });

export const methodNotAllowed = (method: string, path: string, allowed: string[]) =>
  fail(
    405,
    { code: 'not-supported', diagnostics: `Method ${method} is not allowed on '${path}'; allowed: ${allowed.join(', ')}` },
    { Allow: allowed.join(', ') },
  );

export const conflict = (diagnostics: string, expression?: string) =>
  fail(409, { code: 'conflict', diagnostics, expression });

export const versionConflict = (type: string, id: string, expected: string, actual: string) =>
  fail(412, {
    code: 'conflict',
    diagnostics: `Version conflict on ${type}/${id}: If-Match asked for version ${expected} but the current version is ${actual}`,
    messageId: 'MSG_VERSION_AWARE_CONFLICT',
  });

export const preconditionFailed = (diagnostics: string) =>
  fail(412, { code: 'duplicate', diagnostics, messageId: 'MSG_DUPLICATE_ID' });

export const notAcceptable = (diagnostics: string) => fail(406, { code: 'not-supported', diagnostics });

export const unsupportedMediaType = (contentType: string) =>
  fail(415, {
    code: 'not-supported',
    diagnostics: `Content-Type '${contentType}' is not supported; send application/fhir+json or application/json`,
  });

export const payloadTooLarge = (limitBytes: number) =>
  fail(413, { code: 'too-costly', diagnostics: `Request body exceeds the limit of ${limitBytes} bytes` });

/** A body within the byte limit that holds more than the server works through in one request (items, elements). */
export const tooCostly = (diagnostics: string, expression?: string) =>
  fail(413, { code: 'too-costly', diagnostics, expression });

export const resourceTooLarge = (type: string, bytes: number, limitBytes: number) =>
  fail(413, {
    code: 'too-costly',
    diagnostics: `This ${type} is ${bytes} bytes of JSON; this server stores resources of up to ${limitBytes} bytes (put large content in a Binary or an attachment URL)`,
  });

export const notSupported = (diagnostics: string) => fail(400, { code: 'not-supported', diagnostics });
