// Why an export job failed, in words for its client (the status answer: 500 with an OperationOutcome,
// https://hl7.org/fhir/uv/bulkdata/export.html#response---error-status-1): the step that failed (reading one type's
// stored resources, writing one output file, recording progress) and no internals (SQL, table names, paths, hosts,
// stacks). The error itself goes to the server's log with the job's id, where an operator finds it.
import { OutcomeError } from '../core/outcomes.js';

/** A failure whose message is meant for the client as it is (given up after interruptions, grant not checkable). */
export class ExportFailure extends Error {}

/** What the client is told: `step` (what was being done) and, for an error made for clients, its own words. */
export function publicReason(err: unknown, step: string, jobId: string): string {
  if (err instanceof ExportFailure) return err.message;
  // An OperationOutcome error (a _typeFilter search refused as it ran) already speaks to the client.
  if (err instanceof OutcomeError) return `${step} failed: ${err.message}`;
  return `${step} failed because of an error in the server (logged with export job ${jobId}); starting the export again may succeed`;
}

/** The log line: the step and the internal error in full. */
export function logReason(err: unknown, step: string): string {
  const detail = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  const cause = err instanceof Error && err.cause instanceof Error ? ` (cause: ${err.cause.message})` : '';
  return `${step} failed: ${detail}${cause}`;
}
