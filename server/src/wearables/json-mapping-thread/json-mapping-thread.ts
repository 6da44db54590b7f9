// Fitbit and Google Fit JSON files are parsed and mapped in a worker thread (issue 15 item 12): parsing and mapping a
// file of tens of MB takes seconds, which on the main thread held every other request for as long. The main thread
// asks for the mapped batches one at a time, so it deserializes at most one batch (`batchSize` Observations) at a
// time; the thread ends when the last batch is taken, when the import stops early, or when its signal aborts.
// Each batch is announced on the diagnostics channel JSON_MAPPING_CHANNEL with the id of the thread that parsed and
// mapped it (https://nodejs.org/api/diagnostics_channel.html: free when nothing subscribes).
import { channel } from 'node:diagnostics_channel';
import { Worker } from 'node:worker_threads';
import {
  InputTooLargeError,
  MappingError,
  type MappedBatch,
  type MappingOptions,
  type WearableSource,
} from '../../../../mappings/src/index.js';

const ENTRY = new URL('./json-mapping-worker-entry.mjs', import.meta.url);

export interface JsonJob {
  source: Exclude<WearableSource, 'apple-health-xml' | 'apple-health-zip'>;
  /** The spooled upload. */
  path: string;
  options: MappingOptions;
  batchSize: number;
}

/** Why the thread failed, as data (a MappingError's class and fields do not survive postMessage). */
export type ThreadError =
  | { kind: 'json'; message: string; /** the character where parsing failed */ at: number }
  | { kind: 'mapping'; name: string; message: string; fileName?: string; position?: string }
  | { kind: 'other'; message: string; stack?: string };

export type ThreadReply = { batch: MappedBatch } | { done: true } | { error: ThreadError };

/** Channel name: one message per mapped batch, a JsonMappingEvent. */
export const JSON_MAPPING_CHANNEL = 'fibrotrack:wearables:json-mapping';

export interface JsonMappingEvent {
  /** The spooled upload the batch came from. */
  path: string;
  /** threadId of the thread that parsed and mapped it (the main thread's is 0). */
  mappedBy: number;
  observations: number;
  skipped: number;
}

const mappingChannel = channel(JSON_MAPPING_CHANNEL);

/** The upload is not valid JSON. */
export class JsonSyntaxError extends Error {
  constructor(
    message: string,
    readonly at: number,
  ) {
    super(message);
    this.name = 'JsonSyntaxError';
  }
}

export async function* mapJsonInThread(job: JsonJob, signal?: AbortSignal): AsyncGenerator<MappedBatch> {
  signal?.throwIfAborted();
  const worker = new Worker(ENTRY, { workerData: job });
  try {
    for (;;) {
      const reply = await nextReply(worker, signal);
      if ('error' in reply) throw revive(reply.error);
      if ('done' in reply) return;
      if (mappingChannel.hasSubscribers) {
        const event: JsonMappingEvent = {
          path: job.path,
          mappedBy: worker.threadId,
          observations: reply.batch.observations.length,
          skipped: reply.batch.skipped.length,
        };
        mappingChannel.publish(event);
      }
      yield reply.batch;
    }
  } finally {
    await worker.terminate();
  }
}

/** Asks the thread for its next batch and waits for it, or for the thread to fail, or for the signal. */
function nextReply(worker: Worker, signal?: AbortSignal): Promise<ThreadReply> {
  return new Promise((resolve, reject) => {
    const done = () => {
      worker.off('message', onMessage).off('error', onError).off('exit', onExit);
      signal?.removeEventListener('abort', onAbort);
    };
    const onMessage = (reply: ThreadReply) => (done(), resolve(reply));
    const onError = (err: Error) => (done(), reject(err));
    const onExit = (code: number) => (done(), reject(new Error(`the JSON mapping thread stopped (exit code ${code})`)));
    // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- the signal's own reason, as signal.throwIfAborted() throws it
    const onAbort = () => (done(), reject(signal!.reason));
    // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- the signal's own reason, as signal.throwIfAborted() throws it
    if (signal?.aborted) return reject(signal.reason);
    worker.on('message', onMessage).on('error', onError).on('exit', onExit);
    signal?.addEventListener('abort', onAbort);
    worker.postMessage('next');
  });
}

function revive(e: ThreadError): Error {
  if (e.kind === 'json') return new JsonSyntaxError(e.message, e.at);
  if (e.kind === 'mapping') {
    const err =
      e.name === 'InputTooLargeError' ? new InputTooLargeError('', e.fileName, e.position) : new MappingError('', e.fileName, e.position);
    err.message = e.message;
    return err;
  }
  return Object.assign(new Error(`JSON mapping thread: ${e.message}`), { stack: `JSON mapping thread: ${e.stack ?? e.message}` });
}
