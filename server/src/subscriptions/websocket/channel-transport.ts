// Where the websocket channel keeps its binding tokens and how a notification reaches every node's sockets: Redis
// (tokens as keys, notifications over pub/sub, so any node serves any socket), or, with AUTH_MODE=open and no
// Redis reachable at start, this process alone (one node: a development server runs without Redis, as it did
// before the websocket channel). AUTH_MODE=smart always needs Redis.
import type { Redis } from 'ioredis';
import { openRedis } from '../../auth/redis-client.js';
import { settle } from '../../core/settle.js';
import { WsFanout, type WsNotification } from './fanout.js';

/** Single-use values with a lifetime. */
export interface TokenStore {
  put(key: string, value: string, ttlSeconds: number): Promise<void>;
  /** The value, removed: a second take of the same key gets nothing. */
  take(key: string): Promise<string | undefined>;
}

export interface Fanout {
  /** `deliver` gets every node's websocket notifications; `woken` is called when any node recorded events. */
  listen(deliver: (n: WsNotification) => void, woken: () => void): Promise<void>;
  publish(n: WsNotification): Promise<void>;
  /** Tells every node that events were recorded (one process alone: its loop was woken already). */
  announce(): Promise<void>;
}

export interface ChannelTransport {
  tokens: TokenStore;
  fanout: Fanout;
  close(): Promise<void>;
}

export interface TransportOptions {
  /** A connection the server has already (not closed here): used for tokens and publishing. */
  redis?: Redis;
  redisUrl: string;
  redisTimeoutMs: number;
  redisPrefix: string;
  /** AUTH_MODE=open: without a reachable Redis, fall back to this process alone. */
  open: boolean;
  log(msg: string): void;
}

/** Tokens issued but not yet taken, at most, in this process (the oldest are dropped beyond it). */
export const MAX_LOCAL_TOKENS = 10_000;

export async function openChannelTransport(opts: TransportOptions): Promise<ChannelTransport> {
  let publisher: Redis;
  try {
    publisher = opts.redis ?? (await openRedis(opts.redisUrl, opts.redisTimeoutMs, `${opts.redisPrefix}ws`));
  } catch (err) {
    if (!opts.open) throw err;
    opts.log(
      `Subscriptions: no Redis (${(err as Error).message}); AUTH_MODE=open, so the websocket channel runs in this process alone: sockets on other nodes get nothing`,
    );
    return localTransport();
  }
  // A connection in subscriber mode can do nothing else: this one is the channel's own.
  const opened = opts.redis ? [] : [publisher];
  const closeAll = async (rs: Redis[]) => {
    for (const r of rs) await r.quit().catch(() => r.disconnect());
  };
  const subscriber = await openRedis(opts.redisUrl, opts.redisTimeoutMs, `${opts.redisPrefix}ws-fanout`).catch(async (err: unknown) => {
    await closeAll(opened);
    throw err;
  });
  return {
    tokens: redisTokens(publisher),
    fanout: new WsFanout(publisher, subscriber, opts.redisPrefix),
    close: () => closeAll([subscriber, ...opened]),
  };
}

function redisTokens(redis: Redis): TokenStore {
  return {
    async put(key, value, ttlSeconds) {
      await redis.set(key, value, 'EX', ttlSeconds);
    },
    async take(key) {
      const results = await redis.multi().get(key).del(key).exec();
      const raw = results?.[0]?.[1];
      return typeof raw === 'string' ? raw : undefined;
    },
  };
}

/** One node: tokens in a Map (expired on read, bounded), notifications passed straight to this node's sockets. */
export function localTransport(): ChannelTransport {
  const tokens = new Map<string, { value: string; expiresAt: number }>();
  let deliverTo: ((n: WsNotification) => void) | undefined;
  return {
    tokens: {
      put: (key, value, ttlSeconds) =>
        settle(() => {
          // A Map iterates in insertion order: the first key is the oldest.
          while (tokens.size >= MAX_LOCAL_TOKENS) tokens.delete(tokens.keys().next().value!);
          tokens.set(key, { value, expiresAt: Date.now() + ttlSeconds * 1000 });
        }),
      take: (key) =>
        settle(() => {
          const entry = tokens.get(key);
          tokens.delete(key);
          return entry && entry.expiresAt > Date.now() ? entry.value : undefined;
        }),
    },
    fanout: {
      listen: (deliver) =>
        settle(() => {
          deliverTo = deliver;
        }),
      publish: (n) => settle(() => deliverTo?.(n)),
      announce: () => Promise.resolve(),
    },
    close: () =>
      settle(() => {
        tokens.clear();
        deliverTo = undefined;
      }),
  };
}
