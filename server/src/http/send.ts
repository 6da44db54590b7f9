// Writes a FhirResponse or an OperationOutcome to the wire: status, headers, JSON (pretty on request).
import type { Response } from 'express';
import type { OperationOutcome, Resource } from 'fhir/r4.js';
import { etagOf } from '../fhir/etag.js';
import type { FhirResponse } from '../fhir/fhir-request.js';
import { stringifyExact } from '../core/exact-numbers.js';

export interface SendOptions {
  mediaType: string;
  pretty: boolean;
  baseUrl: string;
}

export function sendFhirResponse(res: Response, fhir: FhirResponse, body: Resource | undefined, opts: SendOptions): void {
  const v = fhir.version;
  if (v) {
    res.setHeader('ETag', etagOf(v.versionId));
    res.setHeader('Last-Modified', new Date(v.lastUpdated).toUTCString());
    if (fhir.created) {
      res.setHeader('Location', `${opts.baseUrl}/${v.type}/${v.id}/_history/${v.versionId}`);
      res.setHeader('Content-Location', `${opts.baseUrl}/${v.type}/${v.id}/_history/${v.versionId}`);
    }
  }
  for (const [k, val] of Object.entries(fhir.headers ?? {})) res.setHeader(k, val);
  const status = fhir.status === 204 && body ? 200 : fhir.status;
  sendJson(res, status, body, opts);
}

export function sendOutcome(
  res: Response,
  status: number,
  outcome: OperationOutcome,
  opts: SendOptions,
  headers: Record<string, string> = {},
): void {
  for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
  sendJson(res, status, outcome, opts);
}

function sendJson(res: Response, status: number, body: Resource | undefined, opts: SendOptions): void {
  res.status(status);
  if (body === undefined || status === 304 || status === 204) {
    res.end();
    return;
  }
  res.setHeader('Content-Type', `${opts.mediaType}; charset=utf-8`);
  res.end(stringifyExact(body, opts.pretty ? 2 : undefined));
}
