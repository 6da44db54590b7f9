// A local stand-in for the Fitbit cloud (a real HTTP server on 127.0.0.1:0) speaking Fitbit's formats:
// OAuth 2 authorize + token (authorization_code with PKCE, rotating refresh tokens, Basic client auth) + revoke,
// the Web API data endpoints our sync reads, its 150 requests/hour limit and 429 with Retry-After on demand;
// on demand too, the answers of a broken or hostile upstream: slow, trickling, HTML, huge, 500.
// https://dev.fitbit.com/build/reference/web-api/
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface FakeRequest {
  path: string;
  status: number;
  at: number;
}

/**
 * How an answer goes wrong: `stall` never sends headers, `trickle` sends a valid start then a byte a second,
 * `html` is a 200 web page, `huge` is 200 JSON far larger than any real answer, `error500` an HTML 500 page.
 */
export type Misbehaviour = 'stall' | 'trickle' | 'html' | 'huge' | 'error500';

/** Bytes `huge` sends at most (the client is expected to stop reading long before). */
export const HUGE_BYTES = 64 * 1024 * 1024;

interface Grant {
  user: string;
  code: string;
  redirectUri: string;
  challenge: string;
  scope: string;
}

const DAY_MS = 86_400_000;
const DATA =
  /^\/(1|1\.2)\/user\/-\/(activities\/heart|activities\/steps|sleep|hrv|spo2|body\/log\/weight)\/date\/(\d{4}-\d{2}-\d{2})(?:\/(\d{4}-\d{2}-\d{2}|1d))?(?:\/[a-z0-9]+)?\.json$/;

export class FakeFitbit {
  readonly clientId = 'FAKE23ABC';
  readonly clientSecret = randomBytes(16).toString('hex');
  /** The Fitbit user of the latest consent; each consent is a new user unless `consentAs` names one. */
  userId = '';
  /** The Fitbit user who consents next (e.g. the same account twice); unset: a new user each time. */
  consentAs?: string;
  private users = 0;
  /** Every data request, in order (token requests are in tokenRequests). */
  readonly requests: FakeRequest[] = [];
  readonly tokenRequests: { grantType: string; status: number }[] = [];
  /** Revocation requests: the status answered and the Fitbit user whose tokens went (undefined: unknown token). */
  readonly revocations: { status: number; user?: string }[] = [];
  /** Tokens handed out, newest last (to check what the server stored). */
  readonly issued: { accessToken: string; refreshToken: string }[] = [];
  /** Seconds an access token lives (Fitbit: 28800). */
  accessTokenLifetime = 28_800;
  requestsPerHour = 150;
  /** Every data answer waits this long (a slow but well-behaved Fitbit). */
  dataDelayMs = 0;
  /** Bytes of `huge` answers actually sent before the client hung up (to check the client stops reading). */
  hugeBytesSent = 0;
  private server?: Server;
  /** The server settings that point our Fitbit client at this fake (a fresh token key each call). */
  serverEnv(extra: Record<string, string> = {}): Record<string, string> {
    return {
      FITBIT_CLIENT_ID: this.clientId,
      FITBIT_CLIENT_SECRET: this.clientSecret,
      FITBIT_TOKEN_KEY: randomBytes(32).toString('hex'),
      FITBIT_API_URL: this.url,
      FITBIT_AUTHORIZE_URL: `${this.url}/oauth2/authorize`,
      FITBIT_TOKEN_URL: `${this.url}/oauth2/token`,
      ...extra,
    };
  }
  private nextData: Misbehaviour[] = [];
  private nextToken: Misbehaviour[] = [];
  private nextRevoke: Misbehaviour[] = [];
  /** The Fitbit user of every live access and refresh token (revoking one revokes all of that user's). */
  private tokenUsers = new Map<string, string>();
  private readonly sockets = new Set<Socket>();
  private grants = new Map<string, Grant>();
  private accessTokens = new Map<string, number>();
  private refreshTokens = new Set<string>();
  private throttle: number[] = [];
  private hourStart = 0;
  private hourCount = 0;

  get url(): string {
    const { port } = this.server!.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return this;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise((resolve) => this.server?.close(resolve));
  }

  /** The next data answer(s) go wrong this way. */
  misbehaveData(how: Misbehaviour, times = 1): void {
    for (let i = 0; i < times; i++) this.nextData.push(how);
  }

  /** The next token endpoint answer(s) go wrong this way. */
  misbehaveToken(how: Misbehaviour, times = 1): void {
    for (let i = 0; i < times; i++) this.nextToken.push(how);
  }

  /** The next revoke endpoint answer(s) go wrong this way. */
  misbehaveRevoke(how: Misbehaviour, times = 1): void {
    for (let i = 0; i < times; i++) this.nextRevoke.push(how);
  }

  /** The next data request(s) answer 429 with this Retry-After (seconds). */
  throttleNext(retryAfterSeconds: number, times = 1): void {
    for (let i = 0; i < times; i++) this.throttle.push(retryAfterSeconds);
  }

  /** Every access token issued so far stops working (as after their 8 hours). */
  expireAccessTokens(): void {
    for (const token of this.accessTokens.keys()) this.accessTokens.set(token, 0);
  }

  isRefreshTokenValid(token: string): boolean {
    return this.refreshTokens.has(token);
  }

  dataRequestsFor(kind: string): FakeRequest[] {
    return this.requests.filter((r) => r.path.includes(`/${kind}/`));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    if (req.method === 'GET' && url.pathname === '/oauth2/authorize') return this.authorize(url, res);
    if (req.method === 'POST' && url.pathname === '/oauth2/token') {
      const how = this.nextToken.shift();
      if (how) return (this.tokenRequests.push({ grantType: 'misbehaved', status: 0 }), void this.misbehave(how, res));
      return this.token(req, res);
    }
    if (req.method === 'POST' && url.pathname === '/oauth2/revoke') {
      const how = this.nextRevoke.shift();
      if (how) return (this.revocations.push({ status: how === 'error500' ? 500 : 0 }), void this.misbehave(how, res));
      return this.revoke(req, res);
    }
    const m = DATA.exec(url.pathname);
    if (req.method !== 'GET' || !m)
      return send(res, 404, errors('not_found', `The API you are requesting could not be found: ${url.pathname}`));
    const record = (status: number) => this.requests.push({ path: url.pathname, status, at: Date.now() });
    const how = this.nextData.shift();
    if (how) return (record(how === 'error500' ? 500 : 200), void this.misbehave(how, res));
    if (this.dataDelayMs > 0) await new Promise((r) => setTimeout(r, this.dataDelayMs));
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const expires = token === undefined ? undefined : this.accessTokens.get(token);
    if (expires === undefined) return (record(401), send(res, 401, errors('invalid_token', 'Access token invalid')));
    if (expires < Date.now()) return (record(401), send(res, 401, errors('expired_token', `Access token expired: ${token}`)));
    const hour = Math.floor(Date.now() / 3_600_000) * 3_600_000;
    if (hour !== this.hourStart) [this.hourStart, this.hourCount] = [hour, 0];
    const untilHour = Math.ceil((hour + 3_600_000 - Date.now()) / 1000);
    const rate = (remaining: number) => ({
      'fitbit-rate-limit-limit': String(this.requestsPerHour),
      'fitbit-rate-limit-remaining': String(Math.max(0, remaining)),
      'fitbit-rate-limit-reset': String(untilHour),
    });
    const forced = this.throttle.shift();
    if (forced !== undefined || this.hourCount >= this.requestsPerHour) {
      record(429);
      const remaining = forced === undefined ? 0 : this.requestsPerHour - this.hourCount;
      return send(res, 429, errors('system', 'Too Many Requests'), { 'Retry-After': String(forced ?? untilHour), ...rate(remaining) });
    }
    this.hourCount++;
    record(200);
    const [, , kind, start, endOrPeriod] = m;
    const end = endOrPeriod && endOrPeriod !== '1d' ? endOrPeriod : start;
    send(res, 200, this.body(kind, datesBetween(start, end)), rate(this.requestsPerHour - this.hourCount));
  }

  private async misbehave(how: Misbehaviour, res: ServerResponse): Promise<void> {
    let open = true;
    res.on('close', () => (open = false));
    const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
    switch (how) {
      case 'stall':
        while (open) await pause(100);
        return;
      case 'trickle':
        res.writeHead(200, { 'Content-Type': 'application/json;charset=UTF-8' });
        res.write('{"activities-heart":[');
        while (open) {
          res.write(' ');
          await pause(1000);
        }
        return;
      case 'html':
        res.writeHead(200, { 'Content-Type': 'text/html' }).end('<!doctype html><title>Fitbit</title><p>Down for maintenance</p>');
        return;
      case 'error500':
        res.writeHead(500, { 'Content-Type': 'text/html' }).end('<!doctype html><title>500</title><p>Internal Server Error</p>');
        return;
      case 'huge': {
        res.writeHead(200, { 'Content-Type': 'application/json;charset=UTF-8' });
        const chunk = Buffer.from(`${JSON.stringify(heartDay('2026-01-01'))},`.repeat(200));
        res.write('{"activities-heart":[');
        this.hugeBytesSent = 0;
        while (open && this.hugeBytesSent < HUGE_BYTES) {
          this.hugeBytesSent += chunk.length;
          if (!res.write(chunk)) await new Promise((r) => res.once('drain', r).once('close', r));
        }
        if (open) res.end(`${JSON.stringify(heartDay('2026-01-01'))}]}`);
      }
    }
  }

  /** Fitbit shows a consent page; the fake consents at once and redirects back with a code. */
  private authorize(url: URL, res: ServerResponse): void {
    const q = url.searchParams;
    const redirectUri = q.get('redirect_uri') ?? '';
    if (q.get('client_id') !== this.clientId || q.get('response_type') !== 'code' || !redirectUri) {
      return send(res, 400, errors('invalid_request', 'client_id, response_type=code and redirect_uri are required'));
    }
    if (q.get('code_challenge_method') !== 'S256' || !q.get('code_challenge')) {
      return send(res, 400, errors('invalid_request', 'PKCE code_challenge with S256 is required'));
    }
    const code = randomBytes(20).toString('hex');
    this.userId = this.consentAs ?? `7ZZFK${++this.users}`;
    this.grants.set(code, { user: this.userId, code, redirectUri, challenge: q.get('code_challenge')!, scope: q.get('scope') ?? '' });
    const back = new URL(redirectUri);
    back.searchParams.set('code', code);
    back.searchParams.set('state', q.get('state') ?? '');
    res.writeHead(302, { Location: `${back.toString()}#_=_` }).end();
  }

  private async token(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const form = new URLSearchParams(await readText(req));
    const grantType = form.get('grant_type') ?? '';
    const fail = (status: number, type: string, message: string) => {
      this.tokenRequests.push({ grantType, status });
      send(res, status, errors(type, message));
    };
    const basic = Buffer.from(`${this.clientId}:${this.clientSecret}`).toString('base64');
    if (req.headers.authorization !== `Basic ${basic}`) return fail(401, 'invalid_client', 'Invalid authorization header format.');
    let scope: string;
    let user = this.userId;
    if (grantType === 'authorization_code') {
      const grant = this.grants.get(form.get('code') ?? '');
      if (!grant) return fail(400, 'invalid_grant', 'Authorization code invalid');
      this.grants.delete(grant.code);
      if (form.get('redirect_uri') !== grant.redirectUri) return fail(400, 'invalid_grant', 'Redirect URI mismatch');
      const verifier = form.get('code_verifier') ?? '';
      if (createHash('sha256').update(verifier).digest('base64url') !== grant.challenge)
        return fail(400, 'invalid_grant', 'Code verifier invalid');
      scope = grant.scope;
      user = grant.user;
    } else if (grantType === 'refresh_token') {
      const old = form.get('refresh_token') ?? '';
      if (!this.refreshTokens.delete(old)) return fail(400, 'invalid_grant', `Refresh token invalid: ${old}`);
      user = this.tokenUsers.get(old) ?? user;
      scope = 'activity heartrate sleep weight oxygen_saturation';
    } else {
      return fail(400, 'unsupported_grant_type', `The grant type ${grantType} is not supported`);
    }
    const access = randomBytes(24).toString('base64url');
    const refresh = randomBytes(32).toString('hex');
    this.accessTokens.set(access, Date.now() + this.accessTokenLifetime * 1000);
    this.refreshTokens.add(refresh);
    this.tokenUsers.set(access, user).set(refresh, user);
    this.issued.push({ accessToken: access, refreshToken: refresh });
    this.tokenRequests.push({ grantType, status: 200 });
    send(res, 200, {
      access_token: access,
      expires_in: this.accessTokenLifetime,
      refresh_token: refresh,
      scope,
      token_type: 'Bearer',
      user_id: user,
    });
  }

  /**
   * RFC 7009 as Fitbit does it: Basic client auth, form field `token` (access or refresh); every token of that
   * user goes; 200 (with `{}`), for an unknown token too. https://dev.fitbit.com/build/reference/web-api/authorization/revoke-token/
   */
  private async revoke(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const form = new URLSearchParams(await readText(req));
    const basic = Buffer.from(`${this.clientId}:${this.clientSecret}`).toString('base64');
    if (req.headers.authorization !== `Basic ${basic}`) {
      this.revocations.push({ status: 401 });
      return send(res, 401, errors('invalid_client', 'Invalid authorization header format.'));
    }
    const token = form.get('token');
    if (!token) {
      this.revocations.push({ status: 400 });
      return send(res, 400, errors('invalid_request', 'Missing parameters: token'));
    }
    const user = this.tokenUsers.get(token);
    if (user !== undefined) {
      for (const [t, u] of this.tokenUsers) {
        if (u !== user) continue;
        this.tokenUsers.delete(t);
        this.accessTokens.delete(t);
        this.refreshTokens.delete(t);
      }
    }
    this.revocations.push({ status: 200, user });
    send(res, 200, {});
  }

  private body(kind: string, dates: string[]): unknown {
    switch (kind) {
      case 'activities/heart':
        return { 'activities-heart': dates.map(heartDay) };
      case 'activities/steps':
        return { 'activities-steps': dates.map((d) => ({ dateTime: d, value: String(4000 + (dayNumber(d) % 50) * 97) })) };
      case 'sleep':
        return { sleep: dates.map(sleepLog) };
      case 'hrv':
        return {
          hrv: dates.map((d) => ({ value: { dailyRmssd: 30 + (dayNumber(d) % 20), deepRmssd: 35 + (dayNumber(d) % 15) }, dateTime: d })),
        };
      case 'spo2':
        return dates.map((d) => ({ dateTime: d, value: { avg: 96.5, min: 94, max: 99 } }));
      default:
        return {
          weight: dates
            .filter((d) => dayNumber(d) % 7 === 0)
            .map((d) => ({ bmi: 23.57, date: d, logId: dayNumber(d) * 1000 + 7, source: 'API', time: '07:30:00', weight: 152.4 })),
        };
    }
  }
}

export function heartDay(date: string) {
  return {
    dateTime: date,
    value: {
      customHeartRateZones: [],
      heartRateZones: [
        { caloriesOut: 1979.7, max: 115, min: 30, minutes: 1433, name: 'Out of Range' },
        { caloriesOut: 92.3, max: 140, min: 115, minutes: 7, name: 'Fat Burn' },
      ],
      restingHeartRate: 60 + (dayNumber(date) % 10),
    },
  };
}

/** A one-day heart rate response with an intraday series (`/1/user/-/activities/heart/date/{date}/1d/1min.json`). */
export function heartIntraday(date: string, points: { time: string; value: number | string }[]) {
  return {
    'activities-heart': [heartDay(date)],
    'activities-heart-intraday': { dataset: points, datasetInterval: 1, datasetType: 'minute' },
  };
}

export function sleepLog(date: string) {
  const prev = new Date(Date.parse(`${date}T00:00:00Z`) - DAY_MS).toISOString().slice(0, 10);
  return {
    dateOfSleep: date,
    duration: 27_000_000,
    efficiency: 93,
    endTime: `${date}T06:40:00.000`,
    infoCode: 0,
    isMainSleep: true,
    levels: {
      data: [
        { dateTime: `${prev}T23:10:00.000`, level: 'wake', seconds: 600 },
        { dateTime: `${prev}T23:20:00.000`, level: 'light', seconds: 9000 },
        { dateTime: `${date}T01:50:00.000`, level: 'deep', seconds: 5400 },
        { dateTime: `${date}T03:20:00.000`, level: 'rem', seconds: 12000 },
      ],
      shortData: [],
      summary: {
        deep: { count: 1, minutes: 90, thirtyDayAvgMinutes: 0 },
        light: { count: 1, minutes: 150, thirtyDayAvgMinutes: 0 },
        rem: { count: 1, minutes: 200, thirtyDayAvgMinutes: 0 },
        wake: { count: 1, minutes: 10, thirtyDayAvgMinutes: 0 },
      },
    },
    logId: 26_000_000_000 + dayNumber(date),
    logType: 'auto_detected',
    minutesAfterWakeup: 0,
    minutesAsleep: 440,
    minutesAwake: 10,
    minutesToFallAsleep: 0,
    startTime: `${prev}T23:10:00.000`,
    timeInBed: 450,
    type: 'stages',
  };
}

const dayNumber = (date: string) => Math.floor(Date.parse(`${date}T00:00:00Z`) / DAY_MS);

function datesBetween(start: string, end: string): string[] {
  const out: string[] = [];
  for (let t = Date.parse(`${start}T00:00:00Z`); t <= Date.parse(`${end}T00:00:00Z`); t += DAY_MS)
    out.push(new Date(t).toISOString().slice(0, 10));
  return out;
}

const errors = (errorType: string, message: string) => ({ errors: [{ errorType, message }], success: false });

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Type': 'application/json;charset=UTF-8', ...headers }).end(JSON.stringify(body));
}

function readText(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/**
 * The records the fake serves for the days `start` to `end` across its six data types, as an import counts them:
 * each day a resting heart rate, a daily step count, a sleep log and its 4 stage segments, an HRV and an SpO2 value;
 * a weight log every seventh day.
 */
export function recordsServed(start: string, end: string): number {
  const dates = datesBetween(start, end);
  return dates.length * 9 + dates.filter((d) => dayNumber(d) % 7 === 0).length;
}
