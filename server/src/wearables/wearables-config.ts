// Configuration of wearable import and Fitbit sync, from environment variables (see docs/wearables.md).
import { tmpdir } from 'node:os';
import { optionalBoolVar } from '../core/env-vars.js';
import { DEFAULT_APPLE_LIMITS, type AppleLimits } from '../../../mappings/src/index.js';
import type { OutboundLimits } from '../http/bounded-request.js';

export interface FitbitConfig {
  clientId: string;
  /** Never logged, never stored: used only in the Basic auth header of token requests. */
  clientSecret: string;
  apiUrl: string;
  authorizeUrl: string;
  tokenUrl: string;
  /** Where unlinking revokes the patient's tokens (RFC 7009). */
  revokeUrl: string;
  /** Where Fitbit sends the browser back; must be registered with the Fitbit app. */
  redirectUri?: string;
  /** 32-byte AES-256-GCM key for tokens at rest. */
  tokenKey: Buffer;
  /** Fitbit allows 150 requests per user per hour. */
  requestsPerHour: number;
  /** How far back the first sync of a patient reaches. */
  initialDays: number;
  /** Longest Retry-After (seconds) a sync waits for in place; longer ones end the sync until then. */
  maxRetryWaitSeconds: number;
  /** Bounds of every request to Fitbit. */
  limits: OutboundLimits;
}

export interface WearablesConfig {
  /** Largest upload to Patient/$import-wearable; it is spooled to disk, never held in memory. */
  maxUploadBytes: number;
  /** Where uploads and their mapped batches are spooled while an import runs. */
  spoolDir: string;
  /** WEARABLE_MAX_XML_MARKUP_BYTES, WEARABLE_MAX_UNZIPPED_BYTES, WEARABLE_MAX_ZIP_RATIO: how far an Apple export is read. */
  appleLimits: AppleLimits;
  /** Observations per transaction when an import is stored. */
  batchSize: number;
  /**
   * WEARABLE_VALIDATION_THREAD: an import's first pass validates in a worker thread while the main thread maps.
   * Unset: on for `serve`, off for `fibrotrack import` (a second copy of the definitions would break its 300 MB bound).
   */
  validationThread?: boolean;
  /** Absent unless FITBIT_CLIENT_ID, FITBIT_CLIENT_SECRET and FITBIT_TOKEN_KEY are all set. */
  fitbit?: FitbitConfig;
}

type Env = Record<string, string | undefined>;

export function loadWearablesConfig(env: Env): WearablesConfig {
  return {
    maxUploadBytes: positiveInt(env, 'WEARABLE_MAX_UPLOAD_BYTES', 4 * 1024 ** 3),
    spoolDir: env.WEARABLE_SPOOL_DIR || tmpdir(),
    appleLimits: {
      maxMarkupBytes: positiveInt(env, 'WEARABLE_MAX_XML_MARKUP_BYTES', DEFAULT_APPLE_LIMITS.maxMarkupBytes),
      maxUnzippedBytes: positiveInt(env, 'WEARABLE_MAX_UNZIPPED_BYTES', DEFAULT_APPLE_LIMITS.maxUnzippedBytes),
      maxZipRatio: positiveInt(env, 'WEARABLE_MAX_ZIP_RATIO', DEFAULT_APPLE_LIMITS.maxZipRatio),
    },
    batchSize: positiveInt(env, 'WEARABLE_BATCH_SIZE', 1000),
    validationThread: optionalBoolVar(env, 'WEARABLE_VALIDATION_THREAD'),
    fitbit: loadFitbit(env),
  };
}

function loadFitbit(env: Env): FitbitConfig | undefined {
  const clientId = env.FITBIT_CLIENT_ID;
  const clientSecret = env.FITBIT_CLIENT_SECRET;
  const rawKey = env.FITBIT_TOKEN_KEY;
  if (!clientId && !clientSecret && !rawKey) return undefined;
  if (!clientId || !clientSecret || !rawKey) {
    throw new Error('Fitbit sync needs all of FITBIT_CLIENT_ID, FITBIT_CLIENT_SECRET and FITBIT_TOKEN_KEY (or none of them)');
  }
  return {
    clientId,
    clientSecret,
    apiUrl: trimSlash(env.FITBIT_API_URL || 'https://api.fitbit.com'),
    authorizeUrl: env.FITBIT_AUTHORIZE_URL || 'https://www.fitbit.com/oauth2/authorize',
    tokenUrl: env.FITBIT_TOKEN_URL || 'https://api.fitbit.com/oauth2/token',
    // Fitbit's revoke endpoint sits beside its token endpoint.
    revokeUrl: env.FITBIT_REVOKE_URL || new URL('revoke', env.FITBIT_TOKEN_URL || 'https://api.fitbit.com/oauth2/token').toString(),
    redirectUri: env.FITBIT_REDIRECT_URI || undefined,
    tokenKey: parseKey(rawKey),
    requestsPerHour: positiveInt(env, 'FITBIT_REQUESTS_PER_HOUR', 150),
    initialDays: positiveInt(env, 'FITBIT_INITIAL_DAYS', 30),
    maxRetryWaitSeconds: positiveInt(env, 'FITBIT_MAX_RETRY_WAIT_SECONDS', 60),
    limits: {
      connectTimeoutMs: positiveInt(env, 'FITBIT_CONNECT_TIMEOUT_MS', 5_000),
      headersTimeoutMs: positiveInt(env, 'FITBIT_HEADERS_TIMEOUT_MS', 15_000),
      totalTimeoutMs: positiveInt(env, 'FITBIT_TIMEOUT_MS', 30_000),
      maxBodyBytes: positiveInt(env, 'FITBIT_MAX_RESPONSE_BYTES', 16 * 1024 * 1024),
    },
  };
}

/** 32 bytes as 64 hex digits or base64; the value itself never appears in an error. */
function parseKey(raw: string): Buffer {
  const key = /^[0-9a-fA-F]{64}$/.test(raw) ? Buffer.from(raw, 'hex') : Buffer.from(raw, 'base64');
  if (key.length !== 32) throw new Error('FITBIT_TOKEN_KEY must be 32 bytes, as 64 hex digits or base64 (e.g. `openssl rand -hex 32`)');
  return key;
}

function positiveInt(env: Env, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^[1-9]\d*$/.test(raw)) throw new Error(`${name} must be a positive integer, got '${raw}'`);
  return Number(raw);
}

const trimSlash = (url: string) => url.replace(/\/+$/, '');
