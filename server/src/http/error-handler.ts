// The one place errors become responses: OperationOutcomes with the status their error carries.
import type { NextFunction, Request, Response } from 'express';
import { OutcomeError, issue, outcome, routeNotFound } from '../core/outcomes.js';
import { unavailableOutcome } from '../core/unavailable.js';
import { FHIR_JSON } from './content-type.js';
import { loggableError, loggableUrl } from '../audit/loggable.js';
import { sendOutcome } from './send.js';

export interface ErrorLogger {
  error(message: string, err?: unknown): void;
}

export function errorHandler(baseUrl: string, log: ErrorLogger) {
  // express recognises error middleware by its four parameters.
  return (err: unknown, req: Request, res: Response, _next: NextFunction): void => {
    const opts = { mediaType: FHIR_JSON, pretty: false, baseUrl };
    if (res.headersSent) {
      res.end();
      return;
    }
    if (err instanceof OutcomeError) {
      if (err.status === 413) res.setHeader('Connection', 'close');
      sendOutcome(res, err.status, err.outcome, opts, err.headers);
      return;
    }
    // The database or Redis being down is no bug of ours: 503 with Retry-After, naming the dependency.
    const unavailable = unavailableOutcome(err);
    if (unavailable) {
      log.error(`${req.method} ${loggableUrl(req.originalUrl)}: ${unavailable.message}`);
      sendOutcome(res, unavailable.status, unavailable.outcome, opts, unavailable.headers);
      return;
    }
    log.error(`${req.method} ${loggableUrl(req.originalUrl)} failed`, loggableError(err));
    sendOutcome(res, 500, outcome(issue({ code: 'exception', diagnostics: 'Internal server error; it has been logged' })), opts);
  };
}

export function notFoundHandler(req: Request, _res: Response, next: NextFunction): void {
  next(routeNotFound(req.path));
}
