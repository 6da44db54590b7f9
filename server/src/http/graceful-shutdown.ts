// Graceful stop of a listening HTTP server (SIGTERM, SIGINT): stop accepting connections, answer every request in
// flight or still arriving on connections already open (keep-alive), each with `Connection: close` so the client
// opens no more on it, and only when the last connection has ended (or after SHUTDOWN_TIMEOUT_MS) close the
// services and let the process exit.
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { Server as NetServer } from 'node:net';

export interface GracefulShutdownOptions {
  /** Longest wait for open connections to finish before they are cut. */
  timeoutMs: number;
  /** Runs once no connection is left (database, Redis, jobs). */
  closeServices: () => Promise<void>;
  log?: (message: string) => void;
}

/** Tracks `server`'s responses; answers the function that starts the shutdown (idempotent), resolving when done. */
export function gracefulShutdown(server: Server, opts: GracefulShutdownOptions): () => Promise<void> {
  const log = opts.log ?? ((message: string) => console.log(message));
  const pending = new Set<ServerResponse>();
  let stopping: Promise<void> | undefined;
  // Before the app's own listener, so that even a response sent synchronously carries Connection: close.
  server.prependListener('request', (_req: IncomingMessage, res: ServerResponse) => {
    if (stopping) closeAfter(res);
    pending.add(res);
    res.once('close', () => pending.delete(res));
  });
  return () =>
    (stopping ??= (async () => {
      log('shutting down: no new connections; answering the requests of open ones');
      for (const res of pending) closeAfter(res);
      // http.Server#close also cuts idle keep-alive connections at once, dropping a request that is on its way on
      // one; net.Server#close only stops listening, and calls back once every connection has ended. Idle
      // connections end at keepAliveTimeout, or after one more request answered with Connection: close.
      const closed = new Promise<void>((resolve) => NetServer.prototype.close.call(server, () => resolve()));
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<void>((resolve) => {
        timer = setTimeout(() => {
          log(`shutting down: connections still open after ${opts.timeoutMs} ms are cut`);
          server.closeAllConnections();
          resolve();
        }, opts.timeoutMs);
      });
      await Promise.race([closed, deadline]);
      clearTimeout(timer);
      await opts.closeServices();
    })());
}

/** The response, when its headers are not sent yet, tells the client to open a new connection for the next request. */
function closeAfter(res: ServerResponse): void {
  if (!res.headersSent) res.setHeader('Connection', 'close');
}
