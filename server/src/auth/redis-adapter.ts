// oidc-provider's storage contract (example/my_adapter.js) on Redis: codes, tokens, sessions, interactions,
// grants and ReplayDetection (client assertion jti). Clients are not kept here: they live in MySQL.
import type { Redis } from 'ioredis';
import type { Adapter, AdapterPayload } from 'oidc-provider';

/** Models whose records belong to a grant, so revoking the grant deletes them all. */
const GRANTABLE = new Set(['AccessToken', 'AuthorizationCode', 'RefreshToken', 'DeviceCode', 'BackchannelAuthenticationRequest']);
/** Single-use models: oidc-provider marks them consumed (a second use of a code revokes its grant). */
const CONSUMABLE = new Set(['AuthorizationCode', 'RefreshToken', 'DeviceCode', 'BackchannelAuthenticationRequest']);

export class RedisAdapter implements Adapter {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly name: string,
  ) {}

  private key(id: string): string {
    return `${this.prefix}oidc:${this.name}:${id}`;
  }

  private grantKey(grantId: string): string {
    return `${this.prefix}oidc:grant:${grantId}`;
  }

  async upsert(id: string, payload: AdapterPayload, expiresIn?: number): Promise<void> {
    const key = this.key(id);
    const multi = this.redis.multi();
    if (expiresIn && expiresIn > 0) multi.set(key, JSON.stringify(payload), 'EX', expiresIn);
    else multi.set(key, JSON.stringify(payload));
    if (GRANTABLE.has(this.name) && payload.grantId) {
      const grantKey = this.grantKey(payload.grantId);
      multi.rpush(grantKey, key);
      // The grant list must outlive its longest member; extend it, never shorten it.
      if (expiresIn && expiresIn > 0) multi.expire(grantKey, expiresIn, 'GT');
      multi.ttl(grantKey);
    }
    for (const [field, value] of [['userCode', payload.userCode], ['uid', payload.uid]] as const) {
      if (!value) continue;
      if (expiresIn && expiresIn > 0) multi.set(this.key(`${field}:${value}`), id, 'EX', expiresIn);
      else multi.set(this.key(`${field}:${value}`), id);
    }
    const results = await multi.exec();
    // EXPIRE ... GT does nothing on a key without TTL (a new list): give it the member's TTL then.
    if (GRANTABLE.has(this.name) && payload.grantId && expiresIn && expiresIn > 0 && results?.at(-1)?.[1] === -1) {
      await this.redis.expire(this.grantKey(payload.grantId), expiresIn);
    }
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
  }

  async revokeByGrantId(grantId: string): Promise<void> {
    const grantKey = this.grantKey(grantId);
    const keys = await this.redis.lrange(grantKey, 0, -1);
    await this.redis.del(...keys, grantKey);
  }
}
