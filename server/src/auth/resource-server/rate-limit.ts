// Requests per client per minute, counted in Redis so that every API node shares one count: a fixed
// one-minute window per client id; past the limit, 429 with Retry-After until the window ends.
import type { Redis } from 'ioredis';
import { throttled } from './outcomes.js';

export interface RateLimiter {
  /** Counts one request of `clientId`; throws 429 when it is over the limit. */
  take(clientId: string): Promise<void>;
}

const WINDOW_MS = 60_000;

export function redisRateLimiter(
  redis: Redis,
  prefix: string,
  perMinute: number,
  log: { error(message: string, err: unknown): void } = console,
  now: () => number = Date.now,
): RateLimiter {
  return {
    async take(clientId) {
      if (perMinute <= 0) return;
      const t = now();
      const windowStart = t - (t % WINDOW_MS);
      const key = `${prefix}ratelimit:${clientId}:${windowStart}`;
      let count: number;
      try {
        // SET NX PX creates the window's counter with its expiry once; INCR counts.
        const results = await redis.multi().set(key, 0, 'PX', WINDOW_MS, 'NX').incr(key).exec();
        count = Number(results?.[1]?.[1]);
      } catch (err) {
        // Throttling protects capacity, not data: with Redis down, requests pass rather than fail.
        log.error('rate limit: Redis unavailable, request not counted', err);
        return;
      }
      if (count > perMinute) throw throttled(perMinute, Math.max(1, Math.ceil((windowStart + WINDOW_MS - t) / 1000)));
    },
  };
}
