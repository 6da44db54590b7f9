// An AbortSignal that fires when the client goes away before its answer is sent, so that long work done for it
// (an $import-wearable upload being mapped and stored) stops instead of running on for nobody.
import type { Response } from 'express';
import { OutcomeError, issue, outcome } from '../core/outcomes.js';

/** The reason the signal carries: an OutcomeError, so that nothing logs it as an internal error (499, as nginx names it). */
export const clientClosed = () =>
  new OutcomeError(
    'client-closed',
    outcome(issue({ code: 'incomplete', diagnostics: 'The client closed the connection before the answer; the work stopped' })),
  );

export function clientGoneSignal(res: Response): AbortSignal {
  const abort = new AbortController();
  res.once('close', () => {
    if (!res.writableFinished) abort.abort(clientClosed());
  });
  return abort.signal;
}
