// Patient/[id]/$import-wearable: a Fitbit or Google Fit JSON file, an Apple Health export.xml or
// export.zip streamed to disk, mapped, validated and stored in batched transactions; answers a summary.
// https://fhir.fibrotrack.org/OperationDefinition/import-wearable
import { rm } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { badRequest, gone, issue, notFound, outcome, payloadTooLarge } from '../../../core/outcomes.js';
import { wearablesOf } from '../../../wearables/wearable-services.js';
import type { FhirContext } from '../../fhir-context.js';
import type { FhirRequest, FhirResponse } from '../../fhir-request.js';
import { detectUpload } from './detect-upload.js';
import { checkParams, parseImportParams, uploadFileName } from './import-params.js';
import { isParametersBody, unwrapParameters } from './parameters-body.js';
import { summaryParameters } from './import-summary.js';
import { runImport } from './run-import.js';
import { spoolUpload } from './spool-upload.js';

export async function importWearable(req: FhirRequest, patientId: string, ctx: FhirContext): Promise<FhirResponse> {
  const services = wearablesOf(ctx);
  let params = parseImportParams(req.query);
  await requirePatient(ctx, patientId);
  if (!(req.body instanceof Readable)) throw badRequest('$import-wearable takes the export file itself as the request body');
  const limit = services.config.maxUploadBytes;
  if (Number(req.headers['content-length'] ?? 0) > limit) throw payloadTooLarge(limit);
  const fileName = uploadFileName(req.headers['content-disposition']) ?? 'upload';
  let spooled = await spoolUpload(req.body, services.config.spoolDir, limit).catch((err: unknown) => {
    // A client that went away mid-upload broke the stream: that is no server fault.
    throw req.signal?.aborted ? req.signal.reason : err;
  });
  let owned = true;
  try {
    if (spooled.bytes === 0) throw badRequest('The request body is empty; POST the wearable export file');
    let contentType = req.contentType;
    if (isParametersBody(contentType, spooled.head)) {
      const unwrapped = await unwrapParameters(spooled, params, services.config.spoolDir);
      [spooled, contentType, params] = [unwrapped.file, unwrapped.contentType, unwrapped.params];
      checkParams(params);
    }
    const source = detectUpload(contentType, spooled.head, fileName);
    if (source === 'fitbit' && !params.timeZone && !params.utcOffset) {
      throw badRequest('Fitbit times are device-local: give the timeZone or utcOffset they were recorded in', 'timeZone');
    }
    const input = { source, path: spooled.path, fileName, patientId, ...params };
    if (/respond-async/.test(req.headers.prefer ?? '')) {
      const jobId = await services.runner.start(input);
      owned = false;
      const statusUrl = `${ctx.baseUrl}/Patient/${patientId}/$import-wearable/${jobId}`;
      return {
        status: 202,
        headers: { 'Content-Location': statusUrl },
        resource: outcome(issue({ severity: 'information', code: 'informational', diagnostics: `Import of ${fileName} accepted; poll ${statusUrl}` })),
      };
    }
    // Inline, the import is the client's: it stops when the client goes (a job runs on after the 202).
    const summary = await runImport(input, services.ctx, { ...services.importOptions, signal: req.signal });
    return { status: 200, resource: summaryParameters(summary) };
  } finally {
    if (owned) await rm(spooled.path, { force: true });
  }
}

export async function requirePatient(ctx: FhirContext, patientId: string): Promise<void> {
  const patient = await ctx.repo.read('Patient', patientId);
  if (!patient) throw notFound('Patient', patientId);
  if (patient.deleted) throw gone('Patient', patientId, patient.versionId);
}
