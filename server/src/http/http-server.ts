// The node HTTP server in front of the app, used by `fibrotrack serve` and the tests that listen: requests node
// refuses before express sees them (URL or headers too long, malformed) get an OperationOutcome too, not a reset.
// https://hl7.org/fhir/R4/http.html (errors as OperationOutcome), https://www.rfc-editor.org/rfc/rfc9110#name-414-uri-too-long
import { createServer, STATUS_CODES, type IncomingMessage, type RequestListener, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { issue, outcome } from '../core/outcomes.js';
import { FHIR_JSON } from './content-type.js';

/** The request line and headers together; node's default, named here so the documented limit is this one. */
export const MAX_HEADER_BYTES = 16 * 1024;
/** How long a refused connection is read (and dropped) so the client reads the answer instead of a reset. */
const DRAIN_MS = 5000;

/** Takes an HTTP upgrade (a websocket) when it is for it (true); others are refused with 404. */
export type UpgradeHandler = (req: IncomingMessage, socket: Duplex, head: Buffer) => boolean;

export function createHttpServer(app: RequestListener, upgrade?: UpgradeHandler): Server {
  const server = createServer({ maxHeaderSize: MAX_HEADER_BYTES }, app);
  server.on('clientError', answerClientError);
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (upgrade?.(req, socket, head)) return;
    socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
  });
  return server;
}

interface ParserError extends Error {
  code?: string;
  rawPacket?: Buffer;
}

function answerClientError(err: ParserError, socket: Duplex & { _httpMessage?: { headersSent?: boolean } }): void {
  // An answer already under way on this keep-alive connection cannot be followed by another (as node's own handler).
  if (err.code === 'ECONNRESET' || !socket.writable || socket._httpMessage?.headersSent) {
    socket.destroy();
    return;
  }
  const [status, diagnostics] = refusal(err);
  const body = JSON.stringify(
    outcome(issue({ code: status === 408 ? 'timeout' : status === 400 ? 'invalid' : 'too-costly', diagnostics })),
  );
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: ${FHIR_JSON}; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
  // Closing with unread bytes from the client makes the kernel send a reset, which can destroy the answer before
  // the client reads it: keep reading (and dropping) what the client still sends, for a while.
  socket.on('data', () => {});
  socket.on('end', () => socket.destroy());
  socket.on('error', () => socket.destroy());
  setTimeout(() => socket.destroy(), DRAIN_MS).unref();
}

function refusal(err: ParserError): [number, string] {
  switch (err.code) {
    case 'HPE_HEADER_OVERFLOW':
      return urlTooLong(err.rawPacket?.toString('latin1') ?? '')
        ? [
            414,
            `The URL exceeds the ${MAX_HEADER_BYTES} bytes this server reads for a request line and headers; send a long search as POST <type>/_search with a form body`,
          ]
        : [431, `The request headers exceed ${MAX_HEADER_BYTES} bytes`];
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return [408, 'The request was not received in time'];
    default:
      return [400, `The request is not valid HTTP/1.1 (${err.code ?? err.message})`];
  }
}

/**
 * node counts the request line into the header size and reports both as one overflow. `packet` is the chunk being
 * parsed: the URL is to blame when its request line has not ended in it or takes half the limit itself, or when a
 * later chunk is still inside the request line.
 */
function urlTooLong(packet: string): boolean {
  const lineEnd = packet.indexOf('\r\n');
  const firstLine = lineEnd === -1 ? packet : packet.slice(0, lineEnd);
  if (/^[A-Z]+ /.test(packet)) return lineEnd === -1 || firstLine.length > MAX_HEADER_BYTES / 2;
  return / HTTP\/1\.[01]$/.test(firstLine) || (lineEnd === -1 && !packet.includes(': '));
}
