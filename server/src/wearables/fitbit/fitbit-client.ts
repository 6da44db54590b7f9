// GET requests to the Fitbit Web API for one patient: the hourly budget taken before every request, the
// access token refreshed when it expires (or Fitbit says so), 429 Retry-After waited out when short and
// otherwise remembered so no node asks again before then. https://dev.fitbit.com/build/reference/web-api/developer-guide/application-design/#Rate-Limits
import type { IncomingHttpHeaders } from 'node:http';
import { OutcomeError, badGateway, issue, outcome } from '../../core/outcomes.js';
import type { FitbitConfig } from '../wearables-config.js';
import { fitbitJson, fitbitRequest } from './fitbit-http.js';
import { FitbitAuthError, refreshTokens } from './fitbit-oauth.js';
import type { FitbitLink, FitbitStore } from './fitbit-store.js';

/** The sync has to stop here and may continue at `resumeAt`. */
export class RateLimited extends Error {
  constructor(
    readonly resumeAt: Date,
    reason: string,
  ) {
    super(reason);
    this.name = 'RateLimited';
  }
}

const MAX_SHORT_WAITS = 3;
const REFRESH_MARGIN_MS = 60_000;

export class FitbitClient {
  /** Requests sent to the data API in this sync (token requests are not counted by Fitbit either). */
  requests = 0;

  constructor(
    private readonly config: FitbitConfig,
    private readonly store: FitbitStore,
    private readonly link: FitbitLink,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
  ) {}

  async get(path: string): Promise<unknown> {
    let refreshed = false;
    let waits = 0;
    for (;;) {
      if (this.link.expiresAt.getTime() - REFRESH_MARGIN_MS < Date.now()) await this.refresh();
      if (!(await this.store.takeRequest(this.link.patientId, this.config.requestsPerHour))) {
        throw new RateLimited(nextHour(), `the budget of ${this.config.requestsPerHour} Fitbit requests this hour is spent`);
      }
      const res = await fitbitRequest(this.config, `${this.config.apiUrl}${path}`, {
        // en_US: weights arrive in pounds, which the mapping is told; the unit is never guessed.
        headers: { Authorization: `Bearer ${this.link.accessToken}`, Accept: 'application/json', 'Accept-Language': 'en_US' },
      });
      this.requests++;
      if (header(res.headers, 'fitbit-rate-limit-remaining') === '0')
        await this.store.spendWindow(this.link.patientId, this.config.requestsPerHour);
      if (res.status === 401 && !refreshed) {
        refreshed = true;
        await this.refresh();
        continue;
      }
      if (res.status === 429) {
        const seconds = retryAfterSeconds(header(res.headers, 'retry-after'));
        if (seconds <= this.config.maxRetryWaitSeconds && waits++ < MAX_SHORT_WAITS) {
          await this.sleep(seconds * 1000);
          continue;
        }
        const until = new Date(Date.now() + seconds * 1000);
        await this.store.block(this.link.patientId, until);
        throw new RateLimited(until, `Fitbit answered 429 Too Many Requests (Retry-After ${seconds} s)`);
      }
      if (res.status < 200 || res.status >= 300)
        throw badGateway(`Fitbit answered ${res.status} to ${path.split('?')[0]}; try the sync again later`);
      return fitbitJson(res, path.split('?')[0]);
    }
  }

  private async refresh(): Promise<void> {
    let tokens;
    try {
      tokens = await refreshTokens(this.config, this.link.refreshToken);
    } catch (err) {
      if (err instanceof FitbitAuthError && err.status < 500) {
        throw new OutcomeError(
          'unprocessable',
          outcome(
            issue({
              code: 'security',
              diagnostics: `Fitbit no longer accepts this patient's authorization (${err.errorType}); connect again with $connect-fitbit`,
            }),
          ),
        );
      }
      throw err;
    }
    // Stored before use: the old refresh token is already retired at Fitbit.
    await this.store.updateTokens(this.link.patientId, tokens);
    Object.assign(this.link, tokens);
  }
}

/** Retry-After is seconds or an HTTP date; anything unreadable counts as the rest of the hour. */
function retryAfterSeconds(value: string | null): number {
  if (value && /^\d+$/.test(value.trim())) return Number(value.trim());
  const date = value ? Date.parse(value) : NaN;
  if (!Number.isNaN(date)) return Math.max(0, Math.ceil((date - Date.now()) / 1000));
  return Math.ceil((nextHour().getTime() - Date.now()) / 1000);
}

const header = (headers: IncomingHttpHeaders, name: string): string | null => {
  const value = headers[name];
  return (Array.isArray(value) ? value[0] : value) ?? null;
};

const nextHour = () => new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000 + 3_600_000);
