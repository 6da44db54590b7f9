// Patient/[id]/$import-wearable: a Fitbit or Google Fit JSON file, an Apple Health export.xml or export.zip as the
// request body; the wearable import (server/src/wearables) stores it and this answers its summary, or 202 and a
// status URL under Prefer: respond-async. https://fhir.fibrotrack.org/OperationDefinition/import-wearable
import { Readable } from 'node:stream';
import { badRequest, issue, outcome } from '../../../core/outcomes.js';
import type { FhirContext } from '../../fhir-context.js';
import type { FhirRequest, FhirResponse } from '../../fhir-request.js';
import { requirePatient } from '../require-patient.js';
import { parseImportParams, uploadFileName } from './import-params.js';
import type { WearablePort } from './wearable-port.js';

export async function importWearable(req: FhirRequest, patientId: string, ctx: FhirContext, port: WearablePort): Promise<FhirResponse> {
  const params = parseImportParams(req.query);
  await requirePatient(ctx, patientId);
  if (!(req.body instanceof Readable)) throw badRequest('$import-wearable takes the export file itself as the request body');
  const fileName = uploadFileName(req.headers['content-disposition']) ?? 'upload';
  const result = await port.importUpload({
    patientId,
    body: req.body,
    contentType: req.contentType,
    contentLength: Number(req.headers['content-length'] ?? 0),
    fileName,
    params,
    respondAsync: /respond-async/.test(req.headers.prefer ?? ''),
    signal: req.signal,
  });
  if ('answer' in result) return { status: 200, resource: result.answer };
  const statusUrl = `${ctx.baseUrl}/Patient/${patientId}/$import-wearable/${result.jobId}`;
  return {
    status: 202,
    headers: { 'Content-Location': statusUrl },
    resource: outcome(
      issue({ severity: 'information', code: 'informational', diagnostics: `Import of ${fileName} accepted; poll ${statusUrl}` }),
    ),
  };
}
