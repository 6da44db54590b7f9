// Revokes grants outside a token request (the grants page, `fibrotrack user revoke-grants`): each grant and every
// code, access and refresh token made under it are deleted from oidc-provider's Redis store, so the FHIR API and
// introspection refuse those tokens from then on. https://www.rfc-editor.org/rfc/rfc7009#section-2.1
import type { Redis } from 'ioredis';
import { RedisAdapter } from './redis-adapter.js';

export async function revokeGrants(redis: Redis, prefix: string, grantIds: string[]): Promise<void> {
  const grants = new RedisAdapter(redis, prefix, 'Grant');
  // Every token model lists its members under the one per-grant list, so any model's adapter revokes them all.
  const tokens = new RedisAdapter(redis, prefix, 'AccessToken');
  for (const grantId of grantIds) await Promise.all([grants.destroy(grantId), tokens.revokeByGrantId(grantId)]);
}
