// Slows password guessing: after MAX_FAILURES failed sign-ins for a username within the window, that
// username is locked out for the rest of the window (counted in Redis, so across all nodes). The count is kept
// per normalized username (username.ts), the form sign-in looks users up by, so no spelling of a name escapes it.
import type { Redis } from 'ioredis';
import { normalizeUsername } from './username.js';

export const MAX_FAILURES = 10;
export const WINDOW_SECONDS = 15 * 60;

export class LoginThrottle {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private key(username: string): string {
    return `${this.prefix}loginfail:${normalizeUsername(username)}`;
  }

  async locked(username: string): Promise<boolean> {
    return Number(await this.redis.get(this.key(username))) >= MAX_FAILURES;
  }

  async failed(username: string): Promise<void> {
    const key = this.key(username);
    const count = await this.redis.incr(key);
    if (count === 1) await this.redis.expire(key, WINDOW_SECONDS);
  }

  async succeeded(username: string): Promise<void> {
    await this.redis.del(this.key(username));
  }
}
