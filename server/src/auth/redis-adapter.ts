// oidc-provider's storage contract (example/my_adapter.js) on Redis: codes, tokens, sessions, interactions,
// grants and ReplayDetection (client assertion jti). Clients are not kept here: they live in MySQL. A user's
// sessions and grants are also listed per account, so that `fibrotrack user set-password|remove` ends them all.
import type { Redis } from 'ioredis';
import type { Adapter, AdapterPayload } from 'oidc-provider';
import { announceRevocation } from './token-revocations.js';

/** Models whose records belong to a grant, so revoking the grant deletes them all. */
const GRANTABLE = new Set(['AccessToken', 'AuthorizationCode', 'RefreshToken', 'DeviceCode', 'BackchannelAuthenticationRequest']);
/** Single-use models: oidc-provider marks them consumed (a second use of a code revokes its grant). */
const CONSUMABLE = new Set(['AuthorizationCode', 'RefreshToken', 'DeviceCode', 'BackchannelAuthenticationRequest']);
/** Models listed per account: a user's browser sessions, and grants (whose tokens go with them). */
const PER_ACCOUNT = new Set(['Session', 'Grant']);
/** Models a bearer token is verified against: destroying one is announced to every node's token cache. */
const VERIFIED = new Set(['AccessToken', 'ClientCredentials', 'Grant']);

const modelKey = (prefix: string, model: string, id: string) => `${prefix}oidc:${model}:${id}`;
const grantListKey = (prefix: string, grantId: string) => `${prefix}oidc:grant:${grantId}`;
const accountListKey = (prefix: string, accountId: string) => `${prefix}oidc:account:${accountId}`;

export class RedisAdapter implements Adapter {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly name: string,
  ) {}

  private key(id: string): string {
    return modelKey(this.prefix, this.name, id);
  }

  async upsert(id: string, payload: AdapterPayload, expiresIn?: number): Promise<void> {
    const key = this.key(id);
    const multi = this.redis.multi();
    if (expiresIn && expiresIn > 0) multi.set(key, JSON.stringify(payload), 'EX', expiresIn);
    else multi.set(key, JSON.stringify(payload));
    // Lists of keys (a grant's tokens, an account's sessions and grants) must outlive their longest member.
    const lists: string[] = [];
    if (GRANTABLE.has(this.name) && payload.grantId) {
      lists.push(grantListKey(this.prefix, payload.grantId));
      multi.rpush(lists[0], key);
    }
    if (PER_ACCOUNT.has(this.name) && payload.accountId) {
      lists.push(accountListKey(this.prefix, payload.accountId));
      multi.sadd(lists[lists.length - 1], key);
    }
    for (const [field, value] of [
      ['userCode', payload.userCode],
      ['uid', payload.uid],
    ] as const) {
      if (!value) continue;
      if (expiresIn && expiresIn > 0) multi.set(this.key(`${field}:${value}`), id, 'EX', expiresIn);
      else multi.set(this.key(`${field}:${value}`), id);
    }
    // Extend a list's TTL, never shorten it; then read it back.
    if (expiresIn && expiresIn > 0) for (const list of lists) multi.expire(list, expiresIn, 'GT').ttl(list);
    const results = await multi.exec();
    if (!expiresIn || expiresIn <= 0) return;
    // EXPIRE ... GT does nothing on a key without TTL (a new list): give it the member's TTL then.
    const ttls = results?.slice(-lists.length * 2) ?? [];
    for (const [i, list] of lists.entries()) if (ttls[i * 2 + 1]?.[1] === -1) await this.redis.expire(list, expiresIn);
  }

  async find(id: string): Promise<AdapterPayload | undefined> {
    const raw = await this.redis.get(this.key(id));
    return raw ? (JSON.parse(raw) as AdapterPayload) : undefined;
  }

  async findByUid(uid: string): Promise<AdapterPayload | undefined> {
    const id = await this.redis.get(this.key(`uid:${uid}`));
    return id ? this.find(id) : undefined;
  }

  async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
    const id = await this.redis.get(this.key(`userCode:${userCode}`));
    return id ? this.find(id) : undefined;
  }

  async consume(id: string): Promise<void> {
    if (!CONSUMABLE.has(this.name)) return;
    const key = this.key(id);
    const raw = await this.redis.get(key);
    if (!raw) return;
    const payload = JSON.parse(raw) as AdapterPayload;
    payload.consumed = Math.floor(Date.now() / 1000);
    await this.redis.set(key, JSON.stringify(payload), 'KEEPTTL', 'XX');
  }

  async destroy(id: string): Promise<void> {
    await this.redis.del(this.key(id));
    if (VERIFIED.has(this.name)) await announceRevocation(this.redis, this.prefix);
  }

  async revokeByGrantId(grantId: string): Promise<void> {
    await revokeGrant(this.redis, this.prefix, grantId);
  }
}

async function revokeGrant(redis: Redis, prefix: string, grantId: string): Promise<void> {
  const list = grantListKey(prefix, grantId);
  const keys = await redis.lrange(list, 0, -1);
  await redis.del(...keys, list);
  await announceRevocation(redis, prefix);
}

/**
 * Ends everything a user signed in to: their browser sessions, and their grants with every token issued under them
 * (the resource server refuses a token whose grant is gone; a refresh token of one is refused too). Returns how many
 * sessions and grants were ended.
 */
export async function revokeAccount(redis: Redis, prefix: string, accountId: string): Promise<number> {
  const list = accountListKey(prefix, accountId);
  const keys = await redis.smembers(list);
  const grantPrefix = modelKey(prefix, 'Grant', '');
  for (const key of keys) if (key.startsWith(grantPrefix)) await revokeGrant(redis, prefix, key.slice(grantPrefix.length));
  const ended = keys.length > 0 ? await redis.exists(...keys) : 0;
  await redis.del(...keys, list);
  return ended;
}
