// Binding tokens of the websocket channel (Subscriptions R5 Backport, `$get-ws-binding-token`): a random,
// single-use token in the channel's token store (Redis; this process alone in AUTH_MODE=open without Redis) that names the Subscriptions a socket may bind to and carries the access of the
// token that asked for it, against which every message sent on the socket is checked.
// https://hl7.org/fhir/uv/subscriptions-backport/OperationDefinition-backport-subscription-get-ws-binding-token.html
import { randomBytes } from 'node:crypto';
import type { Grant } from '../grant.js';
import type { TokenStore } from './channel-transport.js';

/** What a socket that binds with the token may receive (`grant` with the asking token's expiry). */
export interface Binding {
  subscriptionIds: string[];
  grant: Grant;
  /** When the access token behind the grant expires (ms since the epoch); the socket is closed then. */
  accessExpiresAt?: number;
}

export class BindingTokens {
  constructor(
    private readonly store: TokenStore,
    private readonly prefix: string,
    private readonly ttlSeconds: number,
  ) {}

  private key(token: string): string {
    return `${this.prefix}ws-binding:${token}`;
  }

  async issue(binding: Binding): Promise<{ token: string; expiration: Date }> {
    const token = randomBytes(32).toString('base64url');
    await this.store.put(this.key(token), JSON.stringify(binding), this.ttlSeconds);
    return { token, expiration: new Date(Date.now() + this.ttlSeconds * 1000) };
  }

  /** The binding, once: a token is spent by its first use. */
  async take(token: string): Promise<Binding | undefined> {
    if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return undefined;
    const raw = await this.store.take(this.key(token));
    return raw === undefined ? undefined : (JSON.parse(raw) as Binding);
  }
}
