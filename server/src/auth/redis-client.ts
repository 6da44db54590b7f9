// The Redis connection of the authorization server and the rate limit, set to fail fast: while Redis is down a
// command fails at once (no offline queue) and a hung Redis within REDIS_TIMEOUT_MS (commandTimeout), so token
// checks answer 503 rather than hang; ioredis keeps reconnecting in the background and recovery needs nothing.
import { Redis } from 'ioredis';

/** Longest pause between reconnection attempts: Redis back is noticed within about this. */
const MAX_RECONNECT_DELAY_MS = 1000;

/** `name`: the connection's name in Redis (CLIENT LIST), so an operator can tell whose it is. */
export async function openRedis(url: string, timeoutMs: number, name?: string): Promise<Redis> {
  const redis = new Redis(url, {
    ...(name ? { connectionName: name } : {}),
    connectTimeout: Math.max(timeoutMs, 1000),
    commandTimeout: timeoutMs,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    retryStrategy: (times) => Math.min(times * 100, MAX_RECONNECT_DELAY_MS),
  });
  // Without an 'error' listener ioredis reports every failed reconnection as unhandled.
  let lastError = '';
  redis.on('error', (err: Error) => {
    if (err.message !== lastError) console.error(`Redis: ${err.message}`);
    lastError = err.message;
  });
  redis.on('ready', () => {
    if (lastError) console.error('Redis: connected again');
    lastError = '';
  });
  // With no offline queue nothing may be sent before the first connection is ready: wait for it (or fail start).
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => {
        redis.disconnect();
        const why = lastError ? ` (${lastError})` : '';
        reject(
          new Error(
            `Redis at ${new URL(url).host} did not answer within ${Math.max(timeoutMs, 1000) * 5} ms${why}: start it or set REDIS_URL (AUTH_MODE=smart keeps the authorization server's state in Redis; AUTH_MODE=open needs none)`,
          ),
        );
      },
      Math.max(timeoutMs, 1000) * 5,
    );
    redis.once('ready', () => {
      clearTimeout(timer);
      resolve();
    });
  });
  return redis;
}
