// Remembered consent: what a user allowed an app, kept in Redis until they revoke it (or it goes unused for as long
// as a grant lives), so a later launch asking for no more is not shown the consent page again. Scopes confined to a
// patient (patient/...) are remembered for that patient only; every other scope for the app. The grants made under
// the consent are listed with it, so revoking it revokes their tokens too.
// https://hl7.org/fhir/smart-app-launch/app-launch.html#obtain-authorization-code
import type { Redis } from 'ioredis';
import { parseClinicalScope, permits } from './smart-scopes.js';

export interface RememberedConsent {
  clientId: string;
  /** Scopes allowed whoever the patient. */
  scopes: string[];
  /** patient/ scopes allowed, by patient id. */
  patients: Record<string, string[]>;
  /** Grants made under this consent and still alive. */
  grantIds: string[];
  /** When the user first allowed the app anything (ISO instant). */
  since: string;
}

const isPatientScope = (scope: string) => parseClinicalScope(scope)?.level === 'patient';

/**
 * Whether `scope` was allowed, itself or within a wider scope (`patient/*.rs` allows `patient/Observation.rs`): a
 * patient/ scope only for the patient it was allowed for.
 */
export function consentAllows(consent: RememberedConsent | undefined, scope: string, patient: string | undefined): boolean {
  if (!consent) return false;
  if (!isPatientScope(scope)) return permits(consent.scopes, scope);
  return patient !== undefined && permits(consent.patients[patient] ?? [], scope);
}

/**
 * One Redis hash per user and app (fields `scope:<scope>`, `patient:<id>:<scope>`, `grant:<id>` = expiry in epoch
 * seconds, `since`) and a set per user naming their apps. Every change is a field write, so concurrent launches
 * merge rather than overwrite each other.
 */
export class ConsentStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    /** How long a consent and its grants last unused (the grant lifetime). */
    private readonly ttlSeconds: number,
  ) {}

  private appsKey(accountId: string): string {
    return `${this.prefix}consent:${accountId}`;
  }

  private consentKey(accountId: string, clientId: string): string {
    return `${this.prefix}consent:${accountId}:${Buffer.from(clientId).toString('base64url')}`;
  }

  /** Adds the allowed scopes (for `patient` where confined to one) and the grant made with them. */
  async remember(accountId: string, clientId: string, allowed: { scopes: string[]; patient?: string; grantId: string }): Promise<void> {
    const fields: Record<string, string> = { [`grant:${allowed.grantId}`]: String(Math.floor(Date.now() / 1000) + this.ttlSeconds) };
    for (const scope of allowed.scopes) {
      if (!isPatientScope(scope)) fields[`scope:${scope}`] = '1';
      else if (allowed.patient) fields[`patient:${allowed.patient}:${scope}`] = '1';
    }
    const key = this.consentKey(accountId, clientId);
    await this.redis
      .multi()
      .hset(key, fields)
      .hsetnx(key, 'since', new Date().toISOString())
      .sadd(this.appsKey(accountId), clientId)
      .expire(key, this.ttlSeconds)
      .expire(this.appsKey(accountId), this.ttlSeconds)
      .exec();
  }

  async find(accountId: string, clientId: string): Promise<RememberedConsent | undefined> {
    const key = this.consentKey(accountId, clientId);
    const fields = await this.redis.hgetall(key);
    // Grants that have expired by now are dropped from the list (each launch adds one).
    const expired = Object.entries(fields)
      .filter(([f, v]) => f.startsWith('grant:') && Number(v) <= Date.now() / 1000)
      .map(([f]) => f);
    if (expired.length) await this.redis.hdel(key, ...expired);
    return parse(clientId, fields);
  }

  /** The user's remembered consents, by app. */
  async list(accountId: string): Promise<RememberedConsent[]> {
    const clients = (await this.redis.smembers(this.appsKey(accountId))).sort();
    const found = await Promise.all(clients.map((c) => this.find(accountId, c)));
    return found.filter((c): c is RememberedConsent => c !== undefined);
  }

  /** Forgets the consent of one app (or of every app): the ids of the grants made under it, for revoking. */
  async forget(accountId: string, clientId?: string): Promise<{ clientId: string; grantIds: string[] }[]> {
    const clients = clientId === undefined ? await this.redis.smembers(this.appsKey(accountId)) : [clientId];
    const out: { clientId: string; grantIds: string[] }[] = [];
    for (const client of clients) {
      const key = this.consentKey(accountId, client);
      // Read and delete at once: a grant added meanwhile is either in what is read or added after the delete.
      const results = await this.redis.multi().hgetall(key).del(key).srem(this.appsKey(accountId), client).exec();
      const consent = parse(client, (results?.[0]?.[1] ?? {}) as Record<string, string>, { keepExpired: true });
      if (consent) out.push({ clientId: client, grantIds: consent.grantIds });
    }
    return out;
  }
}

function parse(clientId: string, fields: Record<string, string>, opts: { keepExpired?: boolean } = {}): RememberedConsent | undefined {
  if (!fields.since) return undefined;
  const now = Date.now() / 1000;
  const consent: RememberedConsent = { clientId, scopes: [], patients: {}, grantIds: [], since: fields.since };
  for (const [field, value] of Object.entries(fields)) {
    if (field.startsWith('scope:')) consent.scopes.push(field.slice(6));
    else if (field.startsWith('grant:') && (opts.keepExpired || Number(value) > now)) consent.grantIds.push(field.slice(6));
    else if (field.startsWith('patient:')) {
      const rest = field.slice(8);
      const colon = rest.indexOf(':');
      (consent.patients[rest.slice(0, colon)] ??= []).push(rest.slice(colon + 1));
    }
  }
  return consent;
}
