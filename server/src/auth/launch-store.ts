// Launch context in Redis: EHR launch ids (bound to a client and a practitioner, carrying patient and
// encounter), the patient picked during a standalone launch, and the context granted with each grant.
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';

export interface EhrLaunch {
  clientId: string;
  /** The user the launch was made for, e.g. `Practitioner/123`. */
  fhirUser: string;
  patient: string;
  encounter?: string;
  /** Whether the app should show a patient banner (false when the EHR frames the app with its own). */
  needPatientBanner?: boolean;
}

/** What a grant carries besides scopes; tokens of the grant report it. */
export interface GrantContext {
  patient?: string;
  encounter?: string;
  /** Relative reference of the logged-in user. */
  fhirUser?: string;
  needPatientBanner: boolean;
}

const LAUNCH_TTL = 10 * 60;

export class LaunchStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  async createLaunch(launch: EhrLaunch): Promise<string> {
    const id = randomBytes(18).toString('base64url');
    await this.redis.set(`${this.prefix}launch:${id}`, JSON.stringify(launch), 'EX', LAUNCH_TTL);
    return id;
  }

  async findLaunch(id: string): Promise<EhrLaunch | undefined> {
    const raw = await this.redis.get(`${this.prefix}launch:${id}`);
    return raw ? (JSON.parse(raw) as EhrLaunch) : undefined;
  }

  /** The patient a provider picked during interaction `uid` (standalone launch). */
  async pickPatient(uid: string, patient: string): Promise<void> {
    await this.redis.set(`${this.prefix}picked:${uid}`, patient, 'EX', 60 * 60);
  }

  async pickedPatient(uid: string): Promise<string | undefined> {
    return (await this.redis.get(`${this.prefix}picked:${uid}`)) ?? undefined;
  }

  async setGrantContext(grantId: string, context: GrantContext, ttlSeconds: number): Promise<void> {
    await this.redis.set(`${this.prefix}grantctx:${grantId}`, JSON.stringify(context), 'EX', ttlSeconds);
  }

  async grantContext(grantId: string): Promise<GrantContext | undefined> {
    const raw = await this.redis.get(`${this.prefix}grantctx:${grantId}`);
    return raw ? (JSON.parse(raw) as GrantContext) : undefined;
  }
}
