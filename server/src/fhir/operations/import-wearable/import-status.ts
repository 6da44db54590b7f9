// GET Patient/[id]/$import-wearable/[job]: the status URL of an asynchronous import (the Bulk Data
// pattern): 202 with X-Progress while it runs, then the job's answer. https://hl7.org/fhir/R4/async.html
import type { OperationOutcome, Resource } from 'fhir/r4.js';
import { OutcomeError, issue, outcome, outcomeCodeOf } from '../../../core/outcomes.js';
import type { FhirRequest, FhirResponse } from '../../fhir-request.js';
import type { WearablePort } from './wearable-port.js';

/** A running job beats at least once a second; this much silence means its node went away. */
const STALE_MS = 5 * 60 * 1000;

export async function importStatus(req: FhirRequest, patientId: string, port: WearablePort): Promise<FhirResponse> {
  const jobId = req.path.split('/')[3];
  const job = /^[0-9a-f-]{36}$/.test(jobId) ? await port.importJob(jobId) : undefined;
  if (!job || job.patientId !== patientId) {
    throw new OutcomeError(
      'not-found',
      outcome(issue({ code: 'not-found', diagnostics: `Patient/${patientId} has no import job '${jobId}'` })),
    );
  }
  if (job.state === 'running') {
    if (Date.now() - job.heartbeatAt.getTime() > STALE_MS) {
      throw new OutcomeError(
        'internal',
        outcome(
          issue({
            code: 'incomplete',
            diagnostics: 'The server running this import stopped before it finished; import the file again (nothing is stored twice)',
          }),
        ),
      );
    }
    return { status: 202, headers: { 'X-Progress': job.progress, 'Retry-After': '2' } };
  }
  if (job.state === 'failed') throw new OutcomeError(outcomeCodeOf(job.resultStatus ?? 500), job.result as OperationOutcome);
  return { status: 200, resource: job.result as Resource };
}
