// Binding tokens of the websocket channel (Subscriptions R5 Backport, `$get-ws-binding-token`): a random,
// single-use token in Redis that names the Subscriptions a socket may bind to and carries the access of the
// token that asked for it, against which every message sent on the socket is checked.
// https://hl7.org/fhir/uv/subscriptions-backport/OperationDefinition-backport-subscription-get-ws-binding-token.html
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Grant } from '../grant.js';

/** What a socket that binds with the token may receive (`grant` with the asking token's expiry). */
export interface Binding {
  subscriptionIds: string[];
  grant: Grant;
  /** When the access token behind the grant expires (ms since the epoch); the socket is closed then. */
  accessExpiresAt?: number;
}

export class BindingTokens {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly ttlSeconds: number,
  ) {}

  private key(token: string): string {
    return `${this.prefix}ws-binding:${token}`;
  }

  async issue(binding: Binding): Promise<{ token: string; expiration: Date }> {
    const token = randomBytes(32).toString('base64url');
    await this.redis.set(this.key(token), JSON.stringify(binding), 'EX', this.ttlSeconds);
    return { token, expiration: new Date(Date.now() + this.ttlSeconds * 1000) };
  }

  /** The binding, once: a token is spent by its first use. */
  async take(token: string): Promise<Binding | undefined> {
    if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return undefined;
    const results = await this.redis.multi().get(this.key(token)).del(this.key(token)).exec();
    const raw = results?.[0]?.[1];
    return typeof raw === 'string' ? (JSON.parse(raw) as Binding) : undefined;
  }
}
