// fibrotrack user revoke-grants <username> [--client id]: forgets what the user allowed every app (or one) and
// revokes the grants made under it with all their tokens, as the Revoke button of /auth/grants does.
import type { Config } from '../config.js';
import { ConsentStore } from '../auth/consent-store.js';
import { revokeGrants } from '../auth/grant-revocation.js';
import { GRANT_TTL } from '../auth/provider-config.js';
import { openRedis } from '../auth/redis-client.js';
import type { UserStore } from '../auth/user-store.js';

/** 0 with one line per app revoked; a message when there is no such user (or nothing allowed to that client). */
export async function revokeUserGrants(config: Config, users: UserStore, username: string, clientId?: string): Promise<number | string> {
  const user = await users.byUsername(username);
  if (!user) return `No user '${username}'`;
  const redis = await openRedis(config.redisUrl, config.redisTimeoutMs, `${config.redisPrefix}cli`);
  try {
    const forgotten = await new ConsentStore(redis, config.redisPrefix, GRANT_TTL).forget(user.accountId, clientId);
    if (clientId && forgotten.length === 0) return `${user.username} has not allowed '${clientId}' anything`;
    for (const { clientId: client, grantIds } of forgotten) {
      await revokeGrants(redis, config.redisPrefix, grantIds);
      console.log(JSON.stringify({ username: user.username, clientId: client, grantsRevoked: grantIds.length }));
    }
    return 0;
  } finally {
    await redis.quit().catch(() => redis.disconnect());
  }
}
