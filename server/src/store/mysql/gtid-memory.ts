// Where the position of each session's last write is kept between its requests: in the process (per HTTP
// connection, AUTH_MODE=open) or in Redis (per token client and user, AUTH_MODE=smart), so that a client's next
// read waits for it on whichever API node serves it.

export interface GtidMemory {
  get(key: string): Promise<string | undefined>;
  set(key: string, position: string): Promise<void>;
}

/** At most `max` sessions, the least recently used forgotten first. */
export class LocalGtidMemory implements GtidMemory {
  private readonly positions = new Map<string, string>();

  constructor(private readonly max = 10_000) {}

  get(key: string): Promise<string | undefined> {
    const position = this.positions.get(key);
    if (position !== undefined) {
      this.positions.delete(key);
      this.positions.set(key, position);
    }
    return Promise.resolve(position);
  }

  set(key: string, position: string): Promise<void> {
    this.positions.delete(key);
    this.positions.set(key, position);
    if (this.positions.size > this.max) this.positions.delete(this.positions.keys().next().value!);
    return Promise.resolve();
  }
}

/** The two commands of a Redis client this needs (ioredis has them). */
export interface RedisLike {
  get(key: string): Promise<string | null>;
  set(key: string, value: string, px: 'PX', ms: number): Promise<unknown>;
}

/** A write is remembered for `ttlMs`: a replica further behind than that is far outside any sane lag. */
export function redisGtidMemory(redis: RedisLike, prefix: string, ttlMs = 3_600_000): GtidMemory {
  return {
    get: async (key) => (await redis.get(`${prefix}gtid:${key}`)) ?? undefined,
    set: async (key, position) => {
      await redis.set(`${prefix}gtid:${key}`, position, 'PX', ttlMs);
    },
  };
}
