// An upload to Patient/$import-wearable, from its unread body to stored resources: spooled to disk within the size
// limit, unwrapped from a Parameters body, recognised, then imported at once or handed to a job (respond-async).
import { rm } from 'node:fs/promises';
import type { Parameters } from 'fhir/r4.js';
import { badRequest, payloadTooLarge } from '../../core/outcomes.js';
import { checkParams } from '../../fhir/operations/import-wearable/import-params.js';
import type { WearableUpload } from '../../fhir/operations/import-wearable/wearable-port.js';
import type { WearableServices } from '../wearable-services.js';
import { detectUpload } from './detect-upload.js';
import { summaryParameters } from './import-summary.js';
import { isParametersBody, unwrapParameters } from './parameters-body.js';
import { runImport } from './run-import.js';
import { spoolUpload } from './spool-upload.js';

export async function importUpload(
  services: WearableServices,
  upload: WearableUpload,
): Promise<{ answer: Parameters } | { jobId: string }> {
  const { patientId, fileName, signal } = upload;
  const limit = services.config.maxUploadBytes;
  if (upload.contentLength > limit) throw payloadTooLarge(limit);
  let spooled = await spoolUpload(upload.body, services.config.spoolDir, limit).catch((err: unknown) => {
    // A client that went away mid-upload broke the stream: that is no server fault.
    throw signal?.aborted ? signal.reason : err;
  });
  let owned = true;
  try {
    if (spooled.bytes === 0) throw badRequest('The request body is empty; POST the wearable export file');
    let { contentType } = upload;
    let params = upload.params;
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
    if (upload.respondAsync) {
      const jobId = await services.runner.start(input);
      owned = false;
      return { jobId };
    }
    // Inline, the import is the client's: it stops when the client goes (a job runs on after the 202).
    const summary = await runImport(input, services.ctx, { ...services.importOptions, signal });
    return { answer: summaryParameters(summary) };
  } finally {
    if (owned) await rm(spooled.path, { force: true });
  }
}
