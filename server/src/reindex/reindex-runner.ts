// Runs reindex jobs on this node, one at a time, a batch per transaction, beating each job's heartbeat as it goes.
// A job survives a restart: closing puts it back in the queue, a crash leaves a stale heartbeat, and either way the
// next node to start (or to be asked for its status) resumes it from its cursor. A batch that throws fails the job.
import type { ReindexStore } from '../store/mysql/reindex-store.js';

/** Resources per transaction: small enough that writers of those resources wait briefly behind a batch. */
export const REINDEX_BATCH = 200;

export class ReindexRunner {
  private chain: Promise<void> = Promise.resolve();
  private readonly queued = new Set<string>();
  private current: string | undefined;
  private closing = false;

  constructor(
    private readonly store: ReindexStore,
    private readonly log: (message: string) => void,
  ) {}

  /**
   * Queues the job on this node (it is claimed when its turn comes, unless another node runs it); `afterMs`: not
   * before then (a changed SearchParameter's job waits until the other nodes index with the new definition).
   */
  run(id: string, afterMs = 0): void {
    if (this.closing || this.queued.has(id) || this.current === id) return;
    this.queued.add(id);
    this.chain = this.chain
      .then(() => (afterMs > 0 && !this.closing ? new Promise<void>((r) => setTimeout(r, afterMs)) : undefined))
      .then(() => this.runOne(id));
  }

  /** Queued jobs, and running ones whose node stopped, continue here. */
  async resumeAll(): Promise<void> {
    for (const id of await this.store.resumable()) this.run(id);
  }

  /** Resolves when every job queued so far has ended (tests, and the CLI). */
  idle(): Promise<void> {
    return this.chain;
  }

  /** Stops after the batch in hand; the job goes back to the queue for the next node. */
  async close(): Promise<void> {
    this.closing = true;
    await this.chain;
  }

  private async runOne(id: string): Promise<void> {
    this.queued.delete(id);
    if (this.closing) return;
    try {
      const job = await this.store.get(id);
      if (!job || !(await this.store.claim(id))) return;
      this.current = id;
      for (;;) {
        if (this.closing) {
          await this.store.release(id);
          return;
        }
        const done = await this.store.step(job, REINDEX_BATCH);
        if (done < 0) return;
        if (done === 0) break;
      }
      await this.store.finish(id);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      this.log(`reindex job ${id} failed: ${message}`);
      await this.store.fail(id, message).catch(() => undefined);
    } finally {
      this.current = undefined;
    }
  }
}
