// Bulk Data export jobs as the operations see them: kick-off (checks, 429, the job row), status and manifest,
// cancellation, and the output files. https://hl7.org/fhir/uv/bulkdata/export.html
import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { AccessContext } from '../fhir/access-context.js';
import type { BlobStore } from '../blob/blob-store.js';
import { OutcomeError, issue, outcome, tooManyJobs } from '../core/outcomes.js';
import type { ExportFileRow, ExportJobRow, ExportStore } from '../store/mysql/export-store.js';
import type { BulkConfig } from './bulk-config.js';
import type { ExportRunner } from './export-runner.js';
import type { ExportAccessFor, ExportSpec } from './export-spec.js';

export interface Manifest {
  transactionTime: string;
  request: string;
  requiresAccessToken: boolean;
  output: { type: string; url: string; count: number }[];
  error: { type: string; url: string; count: number }[];
}

export type ExportStatus =
  | { state: 'in-progress'; progress: string; processed: number }
  | { state: 'done'; manifest: Manifest; expires: Date }
  | { state: 'failed'; error: string };

const JOB_ID = /^[0-9a-f-]{36}$/;

export class ExportService {
  private accessFor?: ExportAccessFor;

  constructor(
    private readonly store: ExportStore,
    private readonly runner: ExportRunner,
    private readonly blob: BlobStore,
    private readonly config: BulkConfig,
  ) {}

  /**
   * Starts running jobs on this node (the server does; the CLI does not). `accessFor`: AUTH_MODE=smart, how a
   * token's grant reads, from the access policy (app.ts).
   */
  start(accessFor?: ExportAccessFor): void {
    this.accessFor = accessFor;
    this.runner.accessFor = accessFor;
    this.runner.start();
  }

  /** Resolves when the jobs this node has taken so far have ended (tests). */
  idle(): Promise<void> {
    return this.runner.idle();
  }

  /** Looks for queued, orphaned and expired jobs now rather than at the next poll (tests). */
  poll(): Promise<void> {
    return this.runner.poll();
  }

  /** Refuses (403) types the grant may not read at all. */
  checkTypes(types: readonly string[], access: AccessContext | undefined): void {
    if (!access || !this.accessFor) return;
    const policy = this.accessFor(access);
    for (const t of types) policy.check(t);
  }

  /** Queues the export; returns the job id. 429 when EXPORT_MAX_ACTIVE exports are queued or running. */
  async kickOff(requestUrl: string, spec: ExportSpec, access: AccessContext | undefined): Promise<string> {
    const id = randomUUID();
    const created = await this.store.create(
      {
        id,
        requestUrl,
        spec: JSON.stringify(spec),
        access: access ? JSON.stringify(access) : null,
        clientId: access?.clientId ?? '',
        transactionTime: new Date(),
      },
      this.config.maxActive,
    );
    if (!created) {
      throw tooManyJobs(
        `${this.config.maxActive} exports are queued or running, the most this server runs at once (EXPORT_MAX_ACTIVE); retry later`,
        60,
      );
    }
    this.runner.run(id);
    return id;
  }

  /** The job as its client may see it; another client's job, or an unknown, cancelled or expired one, is 404. */
  private async visibleJob(id: string, access: AccessContext | undefined): Promise<ExportJobRow> {
    const job = JOB_ID.test(id) ? await this.store.get(id) : undefined;
    const mine = job !== undefined && (job.access === null || job.clientId === access?.clientId);
    if (!job || !mine || job.state === 'cancelled' || (job.expiresAt !== null && job.expiresAt.getTime() < Date.now())) {
      throw new OutcomeError(
        'not-found',
        outcome(
          issue({ code: 'not-found', diagnostics: `There is no export job '${id}' (unknown, cancelled, expired, or another client's)` }),
        ),
      );
    }
    return job;
  }

  async status(id: string, access: AccessContext | undefined, base: string): Promise<ExportStatus> {
    const job = await this.visibleJob(id, access);
    if (job.state === 'failed') return { state: 'failed', error: job.error ?? 'the export failed' };
    if (job.state !== 'done') {
      return {
        state: 'in-progress',
        progress: job.state === 'queued' ? 'queued' : `${job.processed} resources exported`,
        processed: job.processed,
      };
    }
    const files = await this.store.files(id);
    const url = (f: ExportFileRow) => `${base}/$export/${id}/${f.name.slice(id.length + 1)}`;
    return {
      state: 'done',
      expires: job.expiresAt!,
      manifest: {
        transactionTime: job.transactionTime.toISOString(),
        request: job.requestUrl,
        requiresAccessToken: job.access !== null,
        output: files.map((f) => ({ type: f.type, url: url(f), count: f.resources })),
        error: [],
      },
    };
  }

  /** DELETE on the status URL: the job stops (its node notices at its next batch) and its files are deleted. */
  async cancel(id: string, access: AccessContext | undefined): Promise<void> {
    await this.visibleJob(id, access);
    await this.discard(id);
  }

  /** Deletes a job's files at once and ends it (cancellation; the CLI, once it has copied them out); pollers forget its row. */
  async discard(id: string): Promise<void> {
    await this.store.cancel(id);
    await this.blob.removePrefix(`${id}/`);
  }

  /** One output file of a finished job, streamed from the blob store. */
  async file(id: string, file: string, access: AccessContext | undefined): Promise<{ stream: Readable; bytes: number }> {
    const job = await this.visibleJob(id, access);
    const name = `${id}/${file}`;
    const known = job.state === 'done' && (await this.store.files(id)).some((f) => f.name === name);
    const found = known ? await this.blob.get(name) : undefined;
    if (!found)
      throw new OutcomeError(
        'not-found',
        outcome(issue({ code: 'not-found', diagnostics: `Export job '${id}' has no output file '${file}'` })),
      );
    return found;
  }
}
