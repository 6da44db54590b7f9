// Structured JSON logs (pino, one JSON object per line on stdout): one line per request, with its X-Request-Id (the
// same id is in the response header and in the request's AuditEvent), method, FHIR interaction, resource type,
// status and time. What could carry a secret or patient data is never logged: no query strings, no ids or path
// beyond the resource type, no headers, no bodies (the AuditEvent holds the details, for those allowed to read it).
import { pino, type Logger, type DestinationStream } from 'pino';
import type { RequestListener } from './track-requests.js';

export type { Logger };

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export function createLogger(level: LogLevel, destination?: DestinationStream): Logger {
  const options = { level, base: { service: 'fibrotrack' }, timestamp: pino.stdTimeFunctions.isoTime };
  return destination ? pino(options, destination) : pino(options);
}

/** The request listener (track-requests.ts) writing the one line per request. */
export function requestLog(logger: Logger): RequestListener {
  return ({ req, res, kind, seconds, aborted }) => {
    const line = {
      reqId: res.locals.requestId as string | undefined,
      method: req.method,
      interaction: kind.interaction,
      ...(kind.type ? { type: kind.type } : {}),
      status: res.statusCode,
      ms: Math.round(seconds * 10_000) / 10,
      ...(aborted ? { aborted: true } : {}),
    };
    if (res.statusCode >= 500) logger.error(line, 'request');
    else logger.info(line, 'request');
  };
}
