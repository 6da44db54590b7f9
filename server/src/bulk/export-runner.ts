// Runs export jobs on this node, one at a time, under a lease renewed after every batch. Every EXPORT_POLL_MS the
// node also takes queued jobs and jobs whose node stopped (lease run out), and deletes expired jobs' files. A job
// taken over starts again from nothing: its snapshot (as of transactionTime) is the same, so its files are too.
// A job that lost its node MAX_ATTEMPTS times is failed rather than retried forever.
import { randomUUID } from 'node:crypto';
import type { AccessContext } from '../fhir/access-context.js';
import type { BlobStore } from '../blob/blob-store.js';
import type { BulkConfig } from './bulk-config.js';
import { exportLines, type LineDeps } from './export-lines.js';
import { ExportFailure, logReason, publicReason } from './export-failure.js';
import type { ExportAccess, ExportAccessFor, ExportSpec } from './export-spec.js';
import type { ExportJobRow } from '../store/mysql/export-store.js';

export const MAX_ATTEMPTS = 3;
/** Lines gathered into one write: few, large writes to the file or upload stream. */
const CHUNK_BYTES = 64 * 1024;
export const NDJSON = 'application/fhir+ndjson';
const LINE_END = Buffer.from('\n');

class Stopped extends Error {}

/** What a job is doing, for the words of its failure (export-failure.ts). */
interface Progress {
  step: string;
}

export interface RunnerDeps extends LineDeps {
  blob: BlobStore;
  config: BulkConfig;
  log(message: string): void;
  /**
   * Runs a job's snapshot walk so that its reads see every write committed before it starts (with read replicas:
   * on a replica that has applied them, ReadReplicas.readingFromNow); without it, they read the primary.
   */
  snapshotReads?<T>(walk: () => Promise<T>): Promise<T>;
}

export class ExportRunner {
  readonly owner = `node-${randomUUID()}`;
  private chain: Promise<void> = Promise.resolve();
  private readonly queued = new Set<string>();
  private closing = false;
  private timer: NodeJS.Timeout | undefined;
  /** How a stored grant reads (AUTH_MODE=smart; set before start). Jobs with a grant fail without it. */
  accessFor?: ExportAccessFor;

  constructor(private readonly deps: RunnerDeps) {}

  /** Starts polling for jobs (queued, orphaned) and expired files. */
  start(): void {
    const tick = () => void this.poll().catch((err) => this.deps.log(`export poll failed: ${err instanceof Error ? err.message : err}`));
    tick();
    this.timer = setInterval(tick, this.deps.config.pollMs);
    this.timer.unref();
  }

  async poll(): Promise<void> {
    if (this.closing) return;
    for (const id of await this.deps.store.claimable()) this.run(id);
    for (const id of await this.deps.store.expired()) {
      await this.deps.blob.removePrefix(`${id}/`);
      await this.deps.store.forget(id);
    }
  }

  run(id: string): void {
    if (this.closing || this.queued.has(id)) return;
    this.queued.add(id);
    this.chain = this.chain.then(() => this.runOne(id)).finally(() => this.queued.delete(id));
  }

  /** Resolves when every job queued so far has ended (tests). */
  idle(): Promise<void> {
    return this.chain;
  }

  /** Stops after the batch in hand; a running job goes back to the queue for the next node. */
  async close(): Promise<void> {
    this.closing = true;
    if (this.timer) clearInterval(this.timer);
    await this.chain;
  }

  private async runOne(id: string): Promise<void> {
    const { store, blob, config } = this.deps;
    if (this.closing || !(await store.claim(id, this.owner, config.leaseSeconds))) return;
    const job = await store.get(id);
    if (!job) return;
    const progress: Progress = { step: 'preparing the export' };
    try {
      if (job.attempts > MAX_ATTEMPTS)
        throw new ExportFailure(`the export was interrupted ${MAX_ATTEMPTS} times (its server stopped) and was given up`);
      progress.step = 'removing the output files of an earlier attempt';
      await store.clearFiles(id);
      await blob.removePrefix(`${id}/`);
      progress.step = 'preparing the export';
      // Writes begun before transactionTime commit within the settle time; closing cuts the wait short.
      while (Date.now() < job.transactionTime.getTime() + config.settleMs) {
        if (this.closing) throw new Stopped();
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const processed = this.deps.snapshotReads
        ? await this.deps.snapshotReads(() => this.export(job, progress))
        : await this.export(job, progress);
      progress.step = 'recording the finished export';
      if (!(await store.finish(id, this.owner, processed, config.retentionSeconds))) throw new Stopped();
    } catch (err) {
      const now = await store.get(id).catch(() => undefined);
      // Stopped (closing, cancelled, lease lost) shows as Stopped, or as whatever the upload wrapped it in.
      if (err instanceof Stopped || this.closing || now?.state !== 'running') {
        if (this.closing && now?.state === 'running') await store.release(id, this.owner);
        // Cancelled while it ran: DELETE removed the files written so far, and these are the ones written since.
        if (!now || now.state === 'cancelled') await blob.removePrefix(`${id}/`);
        return;
      }
      this.deps.log(`export job ${id}: ${logReason(err, progress.step)}`);
      await store.fail(id, publicReason(err, progress.step, id), config.retentionSeconds).catch(() => undefined);
    }
  }

  /** Writes every file of the job; returns how many resources they hold. `progress.step` follows what it does. */
  private async export(job: ExportJobRow, progress: Progress): Promise<number> {
    const { store, blob, config } = this.deps;
    const spec = JSON.parse(job.spec) as ExportSpec;
    let access: ExportAccess | undefined;
    if (job.access !== null) {
      if (!this.accessFor) throw new ExportFailure('this server cannot check the grant the export was started with');
      access = this.accessFor(JSON.parse(job.access) as AccessContext);
    }
    progress.step = 'listing the stored resource types';
    const stored = await store.storedTypes();
    const wanted = spec.types.length > 0 ? spec.types : stored;
    const types = wanted.filter(
      (t) =>
        stored.includes(t) && (spec.level === 'system' || inPatientCompartmentDefinition(this.deps, t)) && access?.refusal(t) === undefined,
    );
    let processed = 0;
    let seq = 0;
    const onBatch = async (kept: number) => {
      processed += kept;
      if (this.closing || !(await store.renew(job.id, this.owner, config.leaseSeconds, processed))) throw new Stopped();
    };
    for (const type of types) {
      const lines = exportLines(type, this.deps, { spec, asOf: job.transactionTime, ...(access ? { access } : {}), onBatch })[
        Symbol.asyncIterator
      ]();
      const reading = `reading the stored ${type} resources`;
      // A read that fails inside an upload may reach us wrapped by the blob client: the step is noted where it failed.
      let readFailed: Error | undefined;
      const next = async () => {
        try {
          return await lines.next();
        } catch (err) {
          readFailed = err instanceof Error ? err : new Error(String(err));
          throw err;
        }
      };
      progress.step = reading;
      let head = await next();
      for (let part = 1; !head.done; part++) {
        let resources = 0;
        let bytes = 0;
        // Lines are encoded straight into 64 KiB Buffers (memory outside V8's heap), one Buffer per write: no
        // ndjson text is built on the heap, so the heap holds little more than the batch being walked (BENCHMARKS.md).
        async function* file(): AsyncGenerator<Buffer> {
          let chunk = Buffer.allocUnsafe(CHUNK_BYTES);
          let used = 0;
          while (!head.done && (resources === 0 || bytes < config.fileMaxBytes)) {
            const line = head.value;
            const size = (typeof line === 'string' ? Buffer.byteLength(line) : line.length) + 1;
            resources++;
            bytes += size;
            if (used + size > CHUNK_BYTES && used > 0) {
              yield chunk.subarray(0, used);
              chunk = Buffer.allocUnsafe(CHUNK_BYTES);
              used = 0;
            }
            if (size > CHUNK_BYTES) yield Buffer.concat([typeof line === 'string' ? Buffer.from(line) : line, LINE_END]);
            else {
              used += typeof line === 'string' ? chunk.write(line, used) : line.copy(chunk, used);
              chunk[used++] = 0x0a;
            }
            head = await next();
          }
          if (used > 0) yield chunk.subarray(0, used);
        }
        const name = `${job.id}/${type}-${part}.ndjson`;
        progress.step = `writing the output file ${type}-${part}.ndjson`;
        try {
          await blob.put(name, file(), NDJSON);
        } catch (err) {
          if (readFailed === undefined) throw err;
          progress.step = reading;
          throw readFailed instanceof Stopped || err instanceof Stopped ? new Stopped() : readFailed;
        }
        progress.step = `recording the output file ${type}-${part}.ndjson`;
        await store.addFile(job.id, this.owner, { seq: ++seq, type, name, resources, bytes });
        progress.step = reading;
      }
    }
    return processed;
  }
}

function inPatientCompartmentDefinition(deps: LineDeps, type: string): boolean {
  return type === 'Patient' || deps.defs.compartmentParams('Patient', type).length > 0;
}
