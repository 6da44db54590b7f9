// Sign-in sessions of the EHR launch simulator: the browser sessions of auth/browser-session.ts with their cookie
// scoped to /ehr.
import type { Redis } from 'ioredis';
import { BROWSER_SESSION_TTL_SECONDS, BrowserSessions, type BrowserSession } from '../auth/browser-session.js';

export { csrfMatches } from '../auth/browser-session.js';

export const EHR_SESSION_COOKIE = 'ehr_session';
/** A simulator sign-in lasts as long as one at /auth (12 hours). */
export const EHR_SESSION_TTL_SECONDS = BROWSER_SESSION_TTL_SECONDS;

export type EhrSession = BrowserSession;

export class EhrSessions extends BrowserSessions {
  constructor(redis: Redis, prefix: string, baseUrl: string) {
    super(redis, prefix, baseUrl, { cookie: EHR_SESSION_COOKIE, path: '/ehr', keyName: 'ehrsession' });
  }
}
