// Runs each FHIR request in a read session (store/mysql/read-session.ts), so that with read replicas its reads
// outside transactions may go to a replica and see the writes of the same client: keyed by the token's client and
// user (AUTH_MODE=smart) or else by the HTTP connection. Only read-only requests (GET, HEAD, POST _search) read
// from replicas; every read of a write request is on the primary.
import { createHash, randomUUID } from 'node:crypto';
import type { Socket } from 'node:net';
import type { RequestHandler } from 'express';
import { inReadSession } from '../store/mysql/read-session.js';

const SEARCH_POST = /\/_search\/?$/;

export function readSessions(): RequestHandler {
  // Random rather than counted: connection keys may land in a Redis shared by several nodes.
  const connections = new WeakMap<Socket, string>();
  const connectionKey = (socket: Socket) => {
    let key = connections.get(socket);
    if (key === undefined) connections.set(socket, (key = `conn:${randomUUID()}`));
    return key;
  };
  return (req, res, next) => {
    const access = res.locals.access as { clientId: string; subject?: string } | undefined;
    const key = access
      ? `client:${createHash('sha256')
          .update(`${access.clientId}\n${access.subject ?? ''}`)
          .digest('base64url')}`
      : connectionKey(req.socket);
    const readOnly = req.method === 'GET' || req.method === 'HEAD' || (req.method === 'POST' && SEARCH_POST.test(req.path));
    inReadSession({ key, replicas: readOnly }, next);
  };
}
