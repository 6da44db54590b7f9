// Outbound HTTP with bounds on everything a remote server controls: the time to connect, the time to the
// response headers, the time for the whole exchange (a body trickling a byte a second included) and the body's
// size (read no further than the cap). Every call to another service goes through here.
import http, { type IncomingHttpHeaders } from 'node:http';
import https from 'node:https';

export interface OutboundLimits {
  connectTimeoutMs: number;
  /** From the start of the request to the response headers. */
  headersTimeoutMs: number;
  /** From the start of the request to the last byte of the body. */
  totalTimeoutMs: number;
  maxBodyBytes: number;
}

export interface OutboundRequest {
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
}

export interface OutboundResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** Why an exchange was given up; the message names the host and path, never a query or a header. */
export class OutboundError extends Error {
  constructor(
    readonly reason: 'connect-timeout' | 'headers-timeout' | 'total-timeout' | 'too-large' | 'network',
    message: string,
  ) {
    super(message);
    this.name = 'OutboundError';
  }
}

export function boundedRequest(url: string, req: OutboundRequest, limits: OutboundLimits): Promise<OutboundResponse> {
  const target = new URL(url);
  const where = `${target.host}${target.pathname}`;
  const send = target.protocol === 'https:' ? https.request : http.request;
  return new Promise((resolve, reject) => {
    const timers: NodeJS.Timeout[] = [];
    let settled = false;
    const finish = (err: OutboundError | undefined, res?: OutboundResponse) => {
      if (settled) return;
      settled = true;
      for (const t of timers) clearTimeout(t);
      if (err) {
        outgoing.destroy();
        reject(err);
      } else resolve(res!);
    };
    const after = (ms: number, reason: OutboundError['reason'], what: string) => {
      const timer = setTimeout(() => finish(new OutboundError(reason, `${where}: ${what} within ${ms} ms`)), ms);
      timers.push(timer);
      return timer;
    };
    const headers = { ...req.headers, ...(req.body !== undefined ? { 'Content-Length': String(Buffer.byteLength(req.body)) } : {}) };
    const outgoing = send(target, { method: req.method ?? 'GET', headers });
    after(limits.totalTimeoutMs, 'total-timeout', 'no complete answer');
    const connecting = after(limits.connectTimeoutMs, 'connect-timeout', 'no connection');
    const waiting = after(limits.headersTimeoutMs, 'headers-timeout', 'no response headers');
    outgoing.on('socket', (socket) => {
      if (!socket.connecting) clearTimeout(connecting);
      else socket.once('connect', () => clearTimeout(connecting));
    });
    outgoing.on('error', (err) => finish(new OutboundError('network', `${where}: ${err.message}`)));
    outgoing.on('response', (incoming) => {
      clearTimeout(waiting);
      const tooLarge = () => new OutboundError('too-large', `${where}: the answer is larger than ${limits.maxBodyBytes} bytes`);
      if (Number(incoming.headers['content-length']) > limits.maxBodyBytes) return finish(tooLarge());
      const chunks: Buffer[] = [];
      let size = 0;
      incoming.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > limits.maxBodyBytes) finish(tooLarge());
        else chunks.push(chunk);
      });
      incoming.on('error', (err) => finish(new OutboundError('network', `${where}: ${err.message}`)));
      incoming.on('aborted', () => finish(new OutboundError('network', `${where}: the answer was cut off`)));
      incoming.on('end', () =>
        finish(undefined, { status: incoming.statusCode ?? 0, headers: incoming.headers, body: Buffer.concat(chunks) }),
      );
    });
    outgoing.end(req.body);
  });
}
