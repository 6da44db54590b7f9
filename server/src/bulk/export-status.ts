// Bulk Data status and output: GET [base]/$export/[job] (202 in progress, 200 manifest), DELETE [base]/$export/[job]
// (cancel), GET [base]/$export/[job]/[file] (an ndjson file, proxied from the blob store: requiresAccessToken).
// https://hl7.org/fhir/uv/bulkdata/export.html#bulk-data-status-request
import type { Resource } from 'fhir/r4.js';
import { allOk, jobFailed } from '../core/outcomes.js';
import type { FhirContext } from '../fhir/fhir-context.js';
import type { FhirRequest, FhirResponse } from '../fhir/fhir-request.js';
import { NDJSON } from './export-runner.js';
import type { ExportService } from './export-service.js';

/** Seconds a client is asked to wait between status requests. */
const RETRY_AFTER = 2;

export async function exportStatus(req: FhirRequest, ctx: FhirContext, bulk: ExportService): Promise<FhirResponse> {
  const id = req.path.split('/')[1] ?? '';
  const status = await bulk.status(id, req.access, ctx.baseUrl);
  if (status.state === 'in-progress') {
    return { status: 202, headers: { 'X-Progress': status.progress, 'Retry-After': String(RETRY_AFTER) } };
  }
  if (status.state === 'failed') throw jobFailed(`Export ${id} failed: ${status.error}`);
  // The manifest is not a FHIR resource; it is sent as JSON all the same.
  return { status: 200, headers: { Expires: status.expires.toUTCString() }, resource: status.manifest as unknown as Resource };
}

export async function exportCancel(req: FhirRequest, bulk: ExportService): Promise<FhirResponse> {
  const id = req.path.split('/')[1] ?? '';
  await bulk.cancel(id, req.access);
  return { status: 202, resource: allOk(`Export ${id} cancelled; its files are deleted`) };
}

export async function exportFile(req: FhirRequest, bulk: ExportService): Promise<FhirResponse> {
  const [, id = '', file = ''] = req.path.split('/');
  const found = await bulk.file(id, file, req.access);
  return { status: 200, raw: { contentType: NDJSON, stream: found.stream, bytes: found.bytes } };
}
