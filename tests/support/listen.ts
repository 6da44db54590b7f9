// The app behind a real listening HTTP server on a free loopback port, for tests that need raw HTTP behaviour
// (long URLs, connection handling) that supertest's per-request server does not show. It is the server
// `fibrotrack serve` runs (server/src/http/http-server.ts).
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import { createHttpServer, type UpgradeHandler } from '../../server/src/http/http-server.js';

export interface Listening {
  server: Server;
  base: string;
  fetch(path: string, init?: RequestInit): Promise<Response>;
  close(): Promise<void>;
}

export async function listen(app: Express, upgrade?: UpgradeHandler): Promise<Listening> {
  const server = createHttpServer(app, upgrade);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    server,
    base,
    fetch: (path, init) => fetch(base + path, init),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
