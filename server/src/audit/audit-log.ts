// Stores AuditEvents through the repository, batched: events queue in memory and are written together in
// one database transaction when 200 have gathered or 250 ms after the first, so a request pays no audit
// write of its own and a busy server pays one commit per batch rather than one per request. close() (the
// server's normal shutdown) and flush() write what is queued, so a normal shutdown loses nothing; a crash
// can lose at most the last 250 ms of events. A batch the database refuses stays queued and is retried.
import type { AuditEvent } from 'fhir/r4.js';
import { newId } from '../core/ids.js';
import { OutcomeError } from '../core/outcomes.js';
import type { FhirRepository } from '../store/repository.js';

/** Events kept while the database refuses them; beyond this the oldest failed ones are dropped (and logged). */
const MAX_PENDING = 100_000;

export interface AuditLogOptions {
  maxBatch: number;
  maxDelayMs: number;
}

export interface AuditRecorder {
  record(event: AuditEvent): void;
}

export class AuditLog implements AuditRecorder {
  private pending: AuditEvent[] = [];
  private timer?: NodeJS.Timeout;
  private writing: Promise<void> = Promise.resolve();
  private closing = false;

  constructor(
    private readonly repo: FhirRepository,
    private readonly opts: AuditLogOptions = { maxBatch: 200, maxDelayMs: 250 },
    private readonly log: { error(message: string, err: unknown): void } = console,
  ) {}

  /** Events recorded and not yet handed to the database (the /metrics audit queue depth). */
  get queued(): number {
    return this.pending.length;
  }

  record(event: AuditEvent): void {
    this.pending.push(event);
    if (this.pending.length >= this.opts.maxBatch) void this.flush();
    // unref: a queued batch never keeps the process alive; close() writes it on shutdown.
    else this.timer ??= setTimeout(() => void this.flush(), this.opts.maxDelayMs).unref();
  }

  /** Writes everything queued so far; resolves when it is stored (batches are written one after another). */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.pending.splice(0);
    if (batch.length > 0) this.writing = this.writing.then(() => this.write(batch));
    return this.writing;
  }

  async close(): Promise<void> {
    this.closing = true;
    await this.flush();
    if (this.pending.length > 0) this.log.error(`audit: ${this.pending.length} AuditEvents could not be stored before shutdown`, undefined);
  }

  /** A failed batch goes back to the queue (bounded) and is tried again with the next one. */
  private async write(batch: AuditEvent[]): Promise<void> {
    try {
      await this.repo.transaction(async (tx) => {
        for (const event of batch) await tx.write({ ...event, id: newId() }, undefined, 'POST');
      });
    } catch (err) {
      // Our own refusal (a resource too large for the database) will not change on a retry.
      if (err instanceof OutcomeError) {
        this.log.error(`audit: ${batch.length} AuditEvents refused by the repository`, err);
        return;
      }
      const keep = batch.slice(Math.max(0, batch.length + this.pending.length - MAX_PENDING));
      if (keep.length < batch.length) this.log.error(`audit: ${batch.length - keep.length} AuditEvents dropped, the queue is full`, err);
      else this.log.error(`audit: storing ${batch.length} AuditEvents failed; they stay queued`, err);
      this.pending.unshift(...keep);
      if (!this.closing) this.timer ??= setTimeout(() => void this.flush(), this.opts.maxDelayMs).unref();
    }
  }
}
