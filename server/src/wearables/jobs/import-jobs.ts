// Runs imports in the background for Prefer: respond-async. The node that spooled the upload runs the job
// and writes its progress (each new phase at once, then at most once a second) and result to MySQL; close() stops
// running jobs cleanly.
import { loggableError } from '../../audit/loggable.js';
import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { OutcomeError, issue, outcome } from '../../core/outcomes.js';
import type { FhirContext } from '../../fhir/fhir-context.js';
import { summaryParameters } from '../import/import-summary.js';
import { describeProgress, type ImportProgress } from '../import/progress.js';
import { runImport, type ImportRunOptions } from '../import/run-import.js';
import type { ImportInput } from '../import/stage-import.js';
import type { JobStore } from './job-store.js';

const PROGRESS_INTERVAL_MS = 1000;

export class ImportJobs {
  private readonly running = new Map<string, { abort: AbortController; done: Promise<void> }>();

  constructor(
    private readonly store: JobStore,
    private readonly ctx: FhirContext,
    private readonly opts: Omit<ImportRunOptions, 'onProgress' | 'signal'>,
  ) {}

  /** Registers the job and starts it; the spooled upload belongs to the job from here on. */
  async start(input: ImportInput): Promise<string> {
    const id = randomUUID();
    await this.store.create({ id, patientId: input.patientId, fileName: input.fileName, source: input.source });
    const abort = new AbortController();
    const done = this.run(id, input, abort.signal).finally(() => this.running.delete(id));
    this.running.set(id, { abort, done });
    return id;
  }

  private async run(id: string, input: ImportInput, signal: AbortSignal): Promise<void> {
    let last = 0;
    let phase: ImportProgress['phase'] | undefined;
    let pending: Promise<void> = Promise.resolve();
    const onProgress = (p: ImportProgress) => {
      const now = Date.now();
      // A new phase shows at once; within one, at most a write a second.
      if (now - last < PROGRESS_INTERVAL_MS && p.done !== p.total && p.phase === phase) return;
      last = now;
      phase = p.phase;
      pending = pending.then(() => this.store.progress(id, p.phase, describeProgress(p))).catch(() => undefined);
    };
    let state: 'done' | 'failed' = 'done';
    let answer: [number, unknown];
    try {
      answer = [200, summaryParameters(await runImport(input, this.ctx, { ...this.opts, onProgress, signal }))];
    } catch (err) {
      state = 'failed';
      answer = failure(err, signal);
    }
    // The upload goes before the answer is recorded: whoever sees the job finished finds nothing left behind.
    await rm(input.path, { force: true });
    await pending;
    await this.store.finish(id, state, ...answer).catch((e) => console.error(`import job ${id}: could not record its end`, e));
  }

  /** Stops running jobs (they end as failed, saying so) and waits for them. */
  async close(): Promise<void> {
    for (const job of this.running.values()) job.abort.abort();
    await Promise.all([...this.running.values()].map((j) => j.done));
  }
}

function failure(err: unknown, signal: AbortSignal): [number, unknown] {
  if (err instanceof OutcomeError) return [err.status, err.outcome];
  if (signal.aborted) {
    return [
      503,
      outcome(
        issue({
          code: 'transient',
          diagnostics: 'The server stopped while this import ran; import the file again (nothing is stored twice)',
        }),
      ),
    ];
  }
  console.error('import job failed', loggableError(err));
  return [500, outcome(issue({ code: 'exception', diagnostics: 'Internal error while importing; it has been logged' }))];
}
