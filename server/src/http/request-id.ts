// X-Request-Id: every response carries one, the client's own when it sent a well-formed one (so a call can be
// followed across a proxy, our log line and the AuditEvent), else a new UUID. Kept in res.locals.requestId.
import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';

/** What a client-sent id may look like: short and log-safe (no spaces, quotes or control characters). */
const CLIENT_ID = /^[A-Za-z0-9._:@-]{1,128}$/;

export const requestId: RequestHandler = (req, res, next) => {
  const sent = req.headers['x-request-id'];
  const id = typeof sent === 'string' && CLIENT_ID.test(sent) ? sent : randomUUID();
  res.locals.requestId = id;
  res.setHeader('X-Request-Id', id);
  next();
};
