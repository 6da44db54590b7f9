// Bulk Data status and output: GET [base]/$export/[job] (202 in progress, 200 manifest), DELETE [base]/$export/[job]
// (cancel), GET [base]/$export/[job]/[file] (an ndjson file, proxied from the blob store: requiresAccessToken).
// https://hl7.org/fhir/uv/bulkdata/export.html#bulk-data-status-request
import type { Resource } from 'fhir/r4.js';
import { allOk, jobFailed, notSupported } from '../../../core/outcomes.js';
import { NDJSON } from '../../../bulk/export-runner.js';
import type { FhirContext } from '../../fhir-context.js';
import type { FhirRequest, FhirResponse } from '../../fhir-request.js';

/** Seconds a client is asked to wait between status requests. */
const RETRY_AFTER = 2;

function service(ctx: FhirContext) {
  if (!ctx.bulk) throw notSupported('$export needs the MySQL store');
  return ctx.bulk;
}

export async function exportStatus(req: FhirRequest, ctx: FhirContext): Promise<FhirResponse> {
  const id = req.path.split('/')[1] ?? '';
  const status = await service(ctx).status(id, req.access, ctx.baseUrl);
  if (status.state === 'in-progress') {
    return { status: 202, headers: { 'X-Progress': status.progress, 'Retry-After': String(RETRY_AFTER) } };
  }
  if (status.state === 'failed') throw jobFailed(`Export ${id} failed: ${status.error}`);
  // The manifest is not a FHIR resource; it is sent as JSON all the same.
  return { status: 200, headers: { Expires: status.expires.toUTCString() }, resource: status.manifest as unknown as Resource };
}

export async function exportCancel(req: FhirRequest, ctx: FhirContext): Promise<FhirResponse> {
  const id = req.path.split('/')[1] ?? '';
  await service(ctx).cancel(id, req.access);
  return { status: 202, resource: allOk(`Export ${id} cancelled; its files are deleted`) };
}

export async function exportFile(req: FhirRequest, ctx: FhirContext): Promise<FhirResponse> {
  const [, id = '', file = ''] = req.path.split('/');
  const found = await service(ctx).file(id, file, req.access);
  return { status: 200, raw: { contentType: NDJSON, stream: found.stream, bytes: found.bytes } };
}
