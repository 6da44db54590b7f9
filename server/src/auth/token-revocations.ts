// Every node's token cache (token-cache.ts) hears of a revoked token or grant through Redis pub/sub, wherever the
// revocation happened: /auth/revoke or /auth/grants on any node, or `fibrotrack user set-password|remove|revoke-grants`.
// A node that missed messages while its subscription was down empties its cache when it is back; at worst a revoked
// token is taken for TOKEN_CACHE_MS more. https://redis.io/docs/latest/develop/interact/pubsub/
import type { Redis } from 'ioredis';

const channel = (prefix: string) => `${prefix}oidc:token-revoked`;

/** Tells every node that tokens were revoked (they forget every cached token). */
export async function announceRevocation(redis: Redis, prefix: string): Promise<void> {
  await redis.publish(channel(prefix), '1');
}

/** Calls `onRevoked` on every announcement, and when the subscription is back after an outage; returns its closer. */
export function listenForRevocations(redis: Redis, prefix: string, onRevoked: () => void): () => Promise<void> {
  // Queued until connected (the server's own connection fails fast instead); ioredis subscribes again after a reconnection.
  const sub = redis.duplicate({ connectionName: `${prefix}revocations`, enableOfflineQueue: true });
  let lost = false;
  sub.on('error', () => {
    lost = true;
  });
  sub.on('ready', () => {
    if (lost) onRevoked();
    lost = false;
  });
  sub.on('message', () => onRevoked());
  sub.subscribe(channel(prefix)).catch((err: Error) => console.error(`Redis: token revocations not heard: ${err.message}`));
  return async () => {
    await sub.quit().catch(() => sub.disconnect());
  };
}
