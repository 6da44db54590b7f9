// Sign-in sessions of our own HTML pages outside oidc-provider (the EHR launch simulator, the grants page): a random
// id in an HttpOnly, SameSite=Lax cookie (Secure when BASE_URL is https) scoped to the pages' path, the session
// (account and CSRF token) in Redis under a hash of that id.
// https://owasp.org/www-community/SameSite  https://cheatsheetseries.owasp.org/cheatsheets/Cross-Site_Request_Forgery_Prevention_Cheat_Sheet.html
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Request, RequestHandler, Response } from 'express';
import type { Redis } from 'ioredis';
import type { User } from './user-store.js';

/** A sign-in to these pages lasts as long as one at /auth (12 hours). */
export const BROWSER_SESSION_TTL_SECONDS = 12 * 3600;

export interface BrowserSession {
  accountId: string;
  /** Sent back with every form of this session (synchronizer token). */
  csrf: string;
}

/** Where a kind of session lives: its cookie, the path the cookie is sent to and the name of its Redis keys. */
export interface SessionPlace {
  cookie: string;
  path: string;
  keyName: string;
}

export class BrowserSessions {
  private readonly secure: boolean;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    baseUrl: string,
    private readonly place: SessionPlace,
  ) {
    this.secure = new URL(baseUrl).protocol === 'https:';
  }

  private key(id: string): string {
    return `${this.prefix}${this.place.keyName}:${createHash('sha256').update(id).digest('base64url')}`;
  }

  private cookieOptions() {
    return { httpOnly: true, sameSite: 'lax' as const, secure: this.secure, path: this.place.path };
  }

  /** Starts a session for the account and sets its cookie (a new id at each sign-in: no session fixation). */
  async start(res: Response, accountId: string): Promise<BrowserSession> {
    const id = randomBytes(32).toString('base64url');
    const session: BrowserSession = { accountId, csrf: randomBytes(32).toString('base64url') };
    await this.redis.set(this.key(id), JSON.stringify(session), 'EX', BROWSER_SESSION_TTL_SECONDS);
    res.cookie(this.place.cookie, id, { ...this.cookieOptions(), maxAge: BROWSER_SESSION_TTL_SECONDS * 1000 });
    return session;
  }

  async find(req: Request): Promise<BrowserSession | undefined> {
    const id = cookieValue(req, this.place.cookie);
    if (!id) return undefined;
    const raw = await this.redis.get(this.key(id));
    return raw ? (JSON.parse(raw) as BrowserSession) : undefined;
  }

  /** The session of the request and its user, while that user still exists. */
  async signedIn(
    req: Request,
    users: { find(accountId: string): Promise<User | undefined> },
  ): Promise<{ user: User; session: BrowserSession } | undefined> {
    const session = await this.find(req);
    const user = session && (await users.find(session.accountId));
    return session && user ? { user, session } : undefined;
  }

  async end(req: Request, res: Response): Promise<void> {
    const id = cookieValue(req, this.place.cookie);
    if (id) await this.redis.del(this.key(id));
    res.clearCookie(this.place.cookie, this.cookieOptions());
  }
}

/** Whether the form's token is the session's (compared in constant time). */
export function csrfMatches(session: BrowserSession, sent: unknown): boolean {
  if (typeof sent !== 'string') return false;
  const a = Buffer.from(sent);
  const b = Buffer.from(session.csrf);
  return a.length === b.length && timingSafeEqual(a, b);
}

function cookieValue(req: Request, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim() || undefined;
  }
  return undefined;
}

/**
 * Why a state-changing request must be refused as cross-site, or undefined when it comes from our own pages:
 * an Origin other than BASE_URL's (`null` included), or, without Origin, a browser's Sec-Fetch-Site other
 * than same-origin (or none: typed by the user).
 */
export function crossSiteRefusal(req: Request, ownOrigin: string): string | undefined {
  const origin = req.headers.origin;
  if (origin !== undefined) return origin === ownOrigin ? undefined : `requests from another site (Origin ${origin}) are refused`;
  const site = req.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin' && site !== 'none')
    return `requests from another site (Sec-Fetch-Site ${String(site)}) are refused`;
  return undefined;
}

/** Middleware of such pages: nothing is cached, and every POST (sign-in, forms, sign-out) from another site is refused. */
export function ownPagesOnly(baseUrl: string, refuse: (res: Response, status: number, message: string) => void): RequestHandler {
  const ownOrigin = new URL(baseUrl).origin;
  return (req, res, next) => {
    res.set('Cache-Control', 'no-store');
    const refusal = req.method === 'GET' || req.method === 'HEAD' ? undefined : crossSiteRefusal(req, ownOrigin);
    if (refusal) refuse(res, 403, refusal);
    else next();
  };
}

/** The refusal of a form whose CSRF token is missing or another session's. */
export const CSRF_REFUSAL = "the form is missing its CSRF token or it is not this session's";

/**
 * POST .../logout of a page family (/ehr, /auth/grants): a signed-in session ends only with its form's CSRF token
 * (no other site can sign a user out); then back to `to`.
 */
export function signOutHandler(
  signedIn: (req: Request) => Promise<{ session: BrowserSession } | undefined>,
  sessions: Pick<BrowserSessions, 'end'>,
  refuse: (res: Response, status: number, message: string) => void,
  to: string,
): RequestHandler {
  return async (req, res) => {
    const who = await signedIn(req);
    if (who && !csrfMatches(who.session, (req.body as Record<string, unknown>).csrf)) return refuse(res, 403, CSRF_REFUSAL);
    await sessions.end(req, res);
    res.redirect(303, to);
  };
}
