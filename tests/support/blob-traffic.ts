// An HTTP proxy in front of Azurite that records every request the server makes to the blob service (method and
// object name), so a test can tell which Binary content was uploaded, downloaded or removed.
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface BlobRequest {
  method: string;
  /** The object name inside the container (`binary/<uuid>`), or '' for container-level calls. */
  name: string;
}

export interface BlobTraffic {
  /** A connection string naming the proxy instead of Azurite. */
  connectionString: string;
  requests: BlobRequest[];
  /** Requests from now on only. */
  reset(): void;
  /** Object names requested with `method` (GET: downloads, PUT: uploads, DELETE: removals) under binary/. */
  names(method: string): string[];
  close(): Promise<void>;
}

export async function blobTraffic(azuriteConnectionString: string, container: string): Promise<BlobTraffic> {
  const endpoint = new URL(/BlobEndpoint=([^;]+)/.exec(azuriteConnectionString)![1]);
  const requests: BlobRequest[] = [];
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://proxy').pathname;
    const prefix = `${endpoint.pathname.replace(/\/$/, '')}/${container}/`;
    requests.push({ method: req.method ?? '', name: path.startsWith(prefix) ? decodeURIComponent(path.slice(prefix.length)) : '' });
    const upstream = request(
      { host: endpoint.hostname, port: endpoint.port, method: req.method, path: req.url, headers: req.headers },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const proxied = `http://127.0.0.1:${port}${endpoint.pathname}`;
  return {
    connectionString: azuriteConnectionString.replace(/BlobEndpoint=[^;]+/, `BlobEndpoint=${proxied}`),
    requests,
    reset: () => {
      requests.length = 0;
    },
    names: (method) => requests.filter((r) => r.method === method && r.name.startsWith('binary/')).map((r) => r.name),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
