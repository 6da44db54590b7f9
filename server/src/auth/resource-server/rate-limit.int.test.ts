// The Redis rate limiter against a real Redis, with the clock held still: counts per client and window,
// 429 with the seconds left in the window, a fresh count in the next window.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { OutcomeError } from '../../core/outcomes.js';
import { redisRateLimiter } from './rate-limit.js';

describe('redisRateLimiter', () => {
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  const prefix = `fibrotrack_test_rl_${randomBytes(4).toString('hex')}:`;
  after(async () => {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  });

  it('allows the limit per window and client, then 429s with the seconds left in the window', async () => {
    let now = Date.UTC(2026, 0, 1, 10, 0, 10); // 10 s into a minute
    const limiter = redisRateLimiter(redis, prefix, 2, console, () => now);
    await limiter.take('app-1');
    await limiter.take('app-1');
    await limiter.take('app-2');
    const err = await limiter.take('app-1').then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(err instanceof OutcomeError);
    assert.equal(err.status, 429);
    assert.equal(err.headers['Retry-After'], '50');
    assert.equal(err.outcome.issue[0].code, 'throttled');
    now += 50_000; // the next minute
    await limiter.take('app-1');
    const ttl = await redis.pttl(`${prefix}ratelimit:app-1:${now - (now % 60_000)}`);
    assert.ok(ttl > 0 && ttl <= 60_000, `window key expires (${ttl} ms)`);
  });

  it('is off at 0', async () => {
    const limiter = redisRateLimiter(redis, prefix, 0);
    for (let i = 0; i < 5; i++) await limiter.take('app-3');
    assert.deepEqual(await redis.keys(`${prefix}ratelimit:app-3:*`), []);
  });
});
