// Configuration of Subscription delivery, from environment variables (see docs/subscriptions.md).
import { optionalBoolVar } from '../core/env-vars.js';
import type { OutboundLimits } from '../http/bounded-request.js';
import type { WsLimits } from './websocket/ws-channel.js';

export interface SubscriptionsConfig {
  /** SUBSCRIPTION_DELIVERY=false: this node records events but delivers none (another node's loop does). */
  deliver: boolean;
  /**
   * SUBSCRIPTION_ALLOW_LOOPBACK=true (tests and local development only): endpoints on loopback addresses are
   * allowed, over http too. Otherwise endpoints must be https on public addresses.
   */
  allowLoopback: boolean;
  /** Failed attempts in a row (handshake or notification) after which a Subscription goes to `error`. */
  maxAttempts: number;
  /** The first retry waits this long; each further one doubles it (plus up to 50% jitter), capped at retryMaxMs. */
  retryBaseMs: number;
  retryMaxMs: number;
  /** How often an idle loop looks for work that another node recorded (a write on this node wakes it at once). */
  pollMs: number;
  /** Bounds of each POST to an endpoint. */
  limits: OutboundLimits;
  /** The websocket channel: sockets per user of a client and per node, idle time (SUBSCRIPTION_WS_*). */
  websocket: WsLimits;
  /** How long a `$get-ws-binding-token` token may wait to be used (seconds). */
  bindingTokenTtlSeconds: number;
  /**
   * SUBSCRIPTION_DB_POOL_SIZE: connections of the delivery loop's own pool (its SQL and the reads and status
   * writes it makes through the repository), apart from the HTTP requests' DB_POOL_SIZE.
   */
  dbPoolSize: number;
}

type Env = Record<string, string | undefined>;

export function loadSubscriptionsConfig(env: Env): SubscriptionsConfig {
  return {
    deliver: optionalBoolVar(env, 'SUBSCRIPTION_DELIVERY') ?? true,
    allowLoopback: optionalBoolVar(env, 'SUBSCRIPTION_ALLOW_LOOPBACK') ?? false,
    maxAttempts: Math.max(1, int(env, 'SUBSCRIPTION_MAX_ATTEMPTS', 8)),
    retryBaseMs: int(env, 'SUBSCRIPTION_RETRY_BASE_MS', 1_000),
    retryMaxMs: int(env, 'SUBSCRIPTION_RETRY_MAX_MS', 300_000),
    pollMs: Math.max(10, int(env, 'SUBSCRIPTION_POLL_MS', 500)),
    limits: {
      connectTimeoutMs: int(env, 'SUBSCRIPTION_CONNECT_TIMEOUT_MS', 2_000),
      headersTimeoutMs: int(env, 'SUBSCRIPTION_TIMEOUT_MS', 5_000),
      totalTimeoutMs: int(env, 'SUBSCRIPTION_TIMEOUT_MS', 5_000),
      maxBodyBytes: 64 * 1024,
    },
    websocket: {
      maxPerClient: Math.max(1, int(env, 'SUBSCRIPTION_WS_MAX_PER_CLIENT', 10)),
      maxConnections: Math.max(1, int(env, 'SUBSCRIPTION_WS_MAX_CONNECTIONS', 1_000)),
      idleMs: Math.max(100, int(env, 'SUBSCRIPTION_WS_IDLE_MS', 60_000)),
    },
    bindingTokenTtlSeconds: Math.max(1, int(env, 'SUBSCRIPTION_WS_TOKEN_TTL_S', 300)),
    dbPoolSize: Math.max(1, int(env, 'SUBSCRIPTION_DB_POOL_SIZE', 4)),
  };
}

function int(env: Env, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw)) throw new Error(`${name} must be a positive integer, got '${raw}'`);
  return Number(raw);
}
