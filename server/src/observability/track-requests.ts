// Calls each listener once per request when its response ends (or the connection closes first), with what the
// metrics and the request log need: the FHIR interaction and type (fhir-interaction.ts), the status and the time.
import type { Request, RequestHandler, Response } from 'express';
import { requestKind, type RequestKind } from './fhir-interaction.js';

export interface FinishedRequest {
  req: Request;
  res: Response;
  kind: RequestKind;
  seconds: number;
  /** The response was cut short (client gone, shutdown): the status is what had been decided. */
  aborted: boolean;
}

export type RequestListener = (done: FinishedRequest) => void;

export function trackRequests(isType: (name: string) => boolean, listeners: RequestListener[]): RequestHandler {
  return (req, res, next) => {
    const start = process.hrtime.bigint();
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      const finished: FinishedRequest = {
        req,
        res,
        kind: requestKind(req.method, req.originalUrl, isType),
        seconds: Number(process.hrtime.bigint() - start) / 1e9,
        aborted: !res.writableFinished,
      };
      for (const listener of listeners) listener(finished);
    };
    res.on('finish', finish);
    res.on('close', finish);
    next();
  };
}
