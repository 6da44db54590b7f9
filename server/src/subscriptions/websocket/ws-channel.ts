// The websocket channel of R4 Subscriptions (https://hl7.org/fhir/R4/subscription.html#2.46.7.2) on this node:
// a client connects to `<FHIR base>/ws`, sends `bind-with-token <token>` (a token from
// `Subscription/<id>/$get-ws-binding-token`; `bind <id>` in AUTH_MODE=open only) and gets `bound <id>`; then each
// notification of that Subscription arrives as `ping <id>` (empty payload) or the notification Bundle. Every
// message is checked against the access of the token that asked for the binding token (the focus resource must
// be readable by it), and the socket closes when that token expires. Bounds: sockets bound per user of a client
// and sockets on this node, the size of a client message, an unbound socket's life, and heartbeats that drop dead sockets.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Resource } from 'fhir/r4.js';
import { WebSocketServer, type WebSocket } from 'ws';
import { ownerOf, type Grant } from '../grant.js';
import type { BindingTokens } from './binding-tokens.js';
import { rawText } from './raw-text.js';
import type { WsNotification } from './fanout.js';
import { loggableError } from '../../audit/loggable.js';

export interface WsLimits {
  /** Sockets bound at once by one user of one client (a Backend Services client is its own user; all of AUTH_MODE=open counts as one). */
  maxPerClient: number;
  /** Sockets open at once on this node, bound or not. */
  maxConnections: number;
  /** An unbound socket is closed after this; a bound one that misses two heartbeats this far apart is dropped. */
  idleMs: number;
}

/** Longest message a client may send (`bind-with-token` and a 43-character token fit many times over). */
export const MAX_CLIENT_MESSAGE_BYTES = 1024;
/** A socket whose unsent messages pile up past this is too slow to follow: it is dropped. */
const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;

export interface WsChannelDeps {
  path: string;
  tokens: BindingTokens;
  /** AUTH_MODE=open: `bind <id>` binds without a token. */
  open: boolean;
  /** Whether `grant` may read `resource` (the one access policy). */
  allows(grant: Grant, resource: Resource): boolean;
  /** Whether Subscription/<id> exists, has the websocket channel, is not off, and belongs to `grant`'s user (visibility.ts). */
  bindable(id: string, grant: Grant): Promise<boolean>;
  limits: WsLimits;
}

interface Conn {
  ws: WebSocket;
  /** A bind was asked for (one a socket: a second, even while the first is in flight, is refused). */
  binding?: boolean;
  /** Whose count this socket is in, once counted. */
  clientKey?: string;
  grant?: Grant;
  accessExpiresAt?: number;
  alive: boolean;
  unboundTimer?: NodeJS.Timeout;
}

/** Whose sockets count together: one user of one client (grant.ts ownerOf). */
function userOf(grant: Grant): { key: string; who: string } {
  return 'access' in grant ? ownerOf(grant.access) : { key: '(open)', who: 'this server (AUTH_MODE=open)' };
}

export class WsChannel {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: MAX_CLIENT_MESSAGE_BYTES });
  private readonly conns = new Set<Conn>();
  private readonly bound = new Map<string, Set<Conn>>();
  private readonly perClient = new Map<string, number>();
  private readonly heartbeat: NodeJS.Timeout;

  constructor(private readonly deps: WsChannelDeps) {
    this.heartbeat = setInterval(() => this.beat(), Math.max(50, deps.limits.idleMs / 2));
    this.heartbeat.unref();
  }

  /** Takes the upgrade when it is for the channel's path (true), refusing it when this node is full. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    if (new URL(req.url ?? '/', 'http://x').pathname !== this.deps.path) return false;
    if (this.conns.size >= this.deps.limits.maxConnections) {
      socket.end('HTTP/1.1 503 Service Unavailable\r\nRetry-After: 5\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
      return true;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws));
    return true;
  }

  private accept(ws: WebSocket): void {
    const conn: Conn = { ws, alive: true };
    this.conns.add(conn);
    conn.unboundTimer = setTimeout(() => ws.close(1008, 'not bound in time'), this.deps.limits.idleMs);
    ws.on('pong', () => {
      conn.alive = true;
    });
    ws.on('message', (data, isBinary) => {
      conn.alive = true;
      if (isBinary) return this.refuse(conn, 'messages are text');
      this.onMessage(conn, rawText(data)).catch((err: unknown) => {
        console.error('Subscriptions: a websocket bind failed', loggableError(err));
        this.refuse(conn, 'the bind could not be completed; try again');
      });
    });
    ws.on('close', () => this.drop(conn));
    ws.on('error', () => ws.terminate());
  }

  private async onMessage(conn: Conn, text: string): Promise<void> {
    const [verb, arg, ...rest] = text.trim().split(/\s+/);
    if (rest.length > 0 || !arg || (verb !== 'bind-with-token' && verb !== 'bind')) {
      return this.refuse(conn, 'expected `bind-with-token <token>` (a token from Subscription/<id>/$get-ws-binding-token)');
    }
    if (conn.binding) return this.refuse(conn, 'this socket is bound already, or binding; open another one');
    conn.binding = true;
    let ids: string[];
    if (verb === 'bind') {
      if (!this.deps.open)
        return this.refuse(
          conn,
          '`bind <id>` needs no token and is refused here: use `bind-with-token <token>` (Subscription/<id>/$get-ws-binding-token)',
        );
      conn.grant = { unrestricted: true };
      ids = [arg];
    } else {
      const binding = await this.deps.tokens.take(arg);
      if (!binding) return this.refuse(conn, 'the binding token is unknown, spent or expired');
      conn.grant = binding.grant;
      if (binding.accessExpiresAt !== undefined) conn.accessExpiresAt = binding.accessExpiresAt;
      ids = binding.subscriptionIds;
    }
    // Closed while the token was looked up: dropped already, so nothing to count (it would never be uncounted).
    if (!this.conns.has(conn)) return;
    const { key: clientKey, who } = userOf(conn.grant);
    const count = this.perClient.get(clientKey) ?? 0;
    if (count >= this.deps.limits.maxPerClient) return this.refuse(conn, `${who} has ${count} sockets bound already (the most allowed)`);
    // Counted now (and uncounted when the socket closes), so binds in flight together cannot pass the limit.
    conn.clientKey = clientKey;
    this.perClient.set(clientKey, count + 1);
    const live = [];
    for (const id of ids) if (await this.deps.bindable(id, conn.grant)) live.push(id);
    if (live.length === 0)
      return this.refuse(conn, `no websocket Subscription to bind to: ${ids.join(', ')} (unknown, off, or not websocket)`);
    if (conn.ws.readyState !== conn.ws.OPEN) return;
    clearTimeout(conn.unboundTimer);
    for (const id of live) {
      let set = this.bound.get(id);
      if (!set) this.bound.set(id, (set = new Set()));
      set.add(conn);
      conn.ws.send(`bound ${id}`);
    }
  }

  /** Passes a notification to the sockets on this node bound to its Subscription that may read its focus. */
  deliver(n: WsNotification): void {
    for (const conn of this.bound.get(n.subscriptionId) ?? []) {
      if (conn.accessExpiresAt !== undefined && Date.now() >= conn.accessExpiresAt) {
        conn.ws.close(4001, 'the access token behind this binding has expired');
        continue;
      }
      if (n.focus && conn.grant && !this.deps.allows(conn.grant, n.focus)) continue;
      if (conn.ws.bufferedAmount > MAX_BUFFERED_BYTES) {
        conn.ws.terminate();
        continue;
      }
      conn.ws.send(n.text);
    }
  }

  private refuse(conn: Conn, why: string): void {
    if (conn.ws.readyState !== conn.ws.OPEN) return;
    conn.ws.send(`error ${why}`);
    conn.ws.close(1008, why.slice(0, 120));
  }

  private drop(conn: Conn): void {
    clearTimeout(conn.unboundTimer);
    this.conns.delete(conn);
    for (const [id, set] of this.bound) {
      set.delete(conn);
      if (set.size === 0) this.bound.delete(id);
    }
    if (conn.clientKey) {
      const left = (this.perClient.get(conn.clientKey) ?? 1) - 1;
      if (left > 0) this.perClient.set(conn.clientKey, left);
      else this.perClient.delete(conn.clientKey);
    }
  }

  private beat(): void {
    for (const conn of this.conns) {
      if (!conn.alive) {
        conn.ws.terminate();
        continue;
      }
      conn.alive = false;
      conn.ws.ping();
    }
  }

  async close(): Promise<void> {
    clearInterval(this.heartbeat);
    for (const conn of this.conns) conn.ws.close(1001, 'server shutting down');
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }
}
