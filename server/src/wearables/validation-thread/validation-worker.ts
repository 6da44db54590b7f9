// The validation thread itself: builds the write validation from the R4 definitions and the conformance resources
// it is given (the same recipe as the FHIR layer's), then answers each batch with every resource's problem.
import { parentPort, workerData } from 'node:worker_threads';
import type { Resource } from 'fhir/r4.js';
import { loadR4Definitions } from '../../definitions/r4-definitions.js';
import { writeProblem } from '../../fhir/write-problems.js';
import { buildWriteValidation } from '../../validation/write-validation.js';
import type { ThreadData, ThreadReply, ThreadRequest } from './validation-thread.js';

const port = parentPort!;
const { source, warmUp } = workerData as ThreadData;
const validators = buildWriteValidation(loadR4Definitions(), source);
// The profiles compile on first use: done here, before the first import's first batch waits on it.
for (const example of warmUp) writeProblem(validators, example);

port.on('message', ({ id, resources }: ThreadRequest) => {
  let reply: ThreadReply;
  try {
    reply = { id, problems: resources.map((r: Resource) => writeProblem(validators, r)) };
  } catch (err) {
    reply = { id, error: err instanceof Error ? (err.stack ?? err.message) : String(err) };
  }
  port.postMessage(reply);
});
port.postMessage({ ready: true } satisfies ThreadReply);
