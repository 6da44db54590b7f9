// Write checks run in a worker thread, so that the import's first pass maps an upload on the main thread while the
// other core validates it (item 10 of the wearables issue; BENCHMARKS.md). The thread builds the same validation
// from the same R4 definitions and conformance resources as the FHIR layer (validation/write-validation.ts), so its
// answers are the ones the main thread would give. The server takes requests once it has loaded (fhir-services.ts);
// should it not load, or ever stop, the checks run in the main thread instead: an import never fails because of it.
import { Worker } from 'node:worker_threads';
import type { Resource } from 'fhir/r4.js';
import type { WriteChecks } from '../../fhir/write-problems.js';
import type { WriteValidationSource } from '../../validation/write-validation.js';

const ENTRY = new URL('./validation-worker-entry.mjs', import.meta.url);

/**
 * A young generation of V8's default size (16 MB semi-spaces) rather than the server's 64 MB: the thread's garbage
 * is a batch at a time, and the larger one only adds to the server's resident memory (BENCHMARKS.md).
 */
const YOUNG_GENERATION_MB = 48;

export interface ThreadData {
  source: WriteValidationSource;
  /** Resources validated once before the thread reports ready (the profiles' examples), so that the profiles are compiled. */
  warmUp: Resource[];
}

export interface ThreadRequest {
  id: number;
  resources: readonly Resource[];
}

export type ThreadReply =
  { ready: true; id?: undefined } | { id: number; problems: (string | undefined)[] } | { id: number; error: string };

interface Pending {
  resources: readonly Resource[];
  resolve: (problems: (string | undefined)[]) => void;
  reject: (err: Error) => void;
}

export interface ValidationThread extends WriteChecks {
  /** Settles when the thread has loaded (true) or stopped before it could (false). */
  ready: Promise<boolean>;
}

export function startValidationThread(data: ThreadData, inline: WriteChecks, log: (msg: string) => void = console.warn): ValidationThread {
  const worker = new Worker(ENTRY, { workerData: data, resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB } });
  let state: 'starting' | 'ready' | 'gone' = 'starting';
  let settleReady: (ready: boolean) => void = () => undefined;
  const ready = new Promise<boolean>((resolve) => (settleReady = resolve));
  let closing = false;
  let nextId = 0;
  const pending = new Map<number, Pending>();
  // The thread keeps the process alive only while it has work.
  worker.unref();

  worker.on('message', (reply: ThreadReply) => {
    if (reply.id === undefined) {
      state = 'ready';
      settleReady(true);
      return;
    }
    const p = pending.get(reply.id);
    if (!p) return;
    pending.delete(reply.id);
    if (pending.size === 0) worker.unref();
    if ('error' in reply) p.reject(new Error(`validation thread: ${reply.error}`));
    else p.resolve(reply.problems);
  });
  const stopped = (why: string) => {
    if (state === 'gone') return;
    state = 'gone';
    settleReady(false);
    if (!closing) log(`The import validation thread stopped (${why}); imports now validate in the main thread`);
    for (const p of pending.values()) inline.problems(p.resources).then(p.resolve, p.reject);
    pending.clear();
  };
  worker.on('error', (err) => stopped(err.message));
  worker.on('exit', (code) => stopped(`exit code ${code}`));

  return {
    ready,
    problems(resources) {
      if (state !== 'ready') return inline.problems(resources);
      return new Promise((resolve, reject) => {
        const id = nextId++;
        pending.set(id, { resources, resolve, reject });
        worker.ref();
        worker.postMessage({ id, resources } satisfies ThreadRequest);
      });
    },
    async close() {
      closing = true;
      await worker.terminate();
    },
  };
}
