// Server configuration from environment variables; main.ts passes process.env, tests pass their own.
import { fileURLToPath } from 'node:url';
import { optionalBoolVar } from './core/env-vars.js';
import { loadWearablesConfig, type WearablesConfig } from './wearables/wearables-config.js';
import { loadBulkConfig, type BulkConfig } from './bulk/bulk-config.js';
import { loadBinaryConfig, type BinaryConfig } from './binary/binary-config.js';
import { loadSubscriptionsConfig, type SubscriptionsConfig } from './subscriptions/subscriptions-config.js';
import { DEFAULT_PROVIDER_FETCH_LIMITS, type ProviderFetchLimits } from './auth/provider-fetch-limits.js';
import type { MetricsAccess } from './observability/metrics-endpoint.js';
import { LOG_LEVELS, type LogLevel } from './observability/request-log.js';

export interface Config {
  port: number;
  host: string;
  /** Public URL of the server, without trailing slash; the FHIR base is `${baseUrl}/fhir`. */
  baseUrl: string;
  databaseUrl: string;
  dbPoolSize: number;
  /** Read replicas (DATABASE_READ_URLS, comma-separated): read-only requests read from them, with read-your-writes. */
  databaseReadUrls: string[];
  /** DATABASE_READ_WAIT_MS: how long a read waits for a replica to apply its client's last write before using the primary. */
  databaseReadWaitMs: number;
  /** How long a new database connection may take (DB_CONNECT_TIMEOUT_MS); past it the request answers 503. */
  dbConnectTimeoutMs: number;
  /** How long a request may wait for a free pooled connection (DB_POOL_ACQUIRE_TIMEOUT_MS, 0: forever); then 503. */
  dbPoolAcquireTimeoutMs: number;
  /** ioredis connectTimeout and commandTimeout (REDIS_TIMEOUT_MS): Redis down or hung answers 503 within it. */
  redisTimeoutMs: number;
  redisUrl: string;
  /** Prefix of every Redis key we write (REDIS_PREFIX), so several deployments or test runs share a Redis. */
  redisPrefix: string;
  /** `smart`: SMART on FHIR tokens required (authorization server at /auth); `open`: no tokens, loopback only. */
  authMode: 'smart' | 'open';
  /** Bearer token for the admin API under /auth/admin (ADMIN_TOKEN); the API is off without it. */
  adminToken?: string;
  /** Hosts allowed to serve client JWKS from private or loopback addresses (JWKS_FETCH_ALLOW_HOSTS); others are blocked (SSRF). */
  jwksFetchAllowHosts: string[];
  /** Bounds of the authorization server's outbound calls: client jwks_uri, sector_identifier_uri (AUTH_FETCH_*). */
  authFetchLimits: ProviderFetchLimits;
  blobConnectionString?: string;
  maxBodyBytes: number;
  /** On SIGTERM, how long open connections may take to finish before they are cut (SHUTDOWN_TIMEOUT_MS). */
  shutdownTimeoutMs: number;
  /** How often a node looks for SearchParameters changed by another node (and how long a reindex waits for them). */
  searchParamPollMs: number;
  /** HTTP worker processes `serve` starts (node:cluster); each is a full, stateless API node. */
  workers: number;
  /** Built FibroTrack conformance resources loaded at start (PROFILES_DIR, default profiles/generated). */
  profilesDir: string;
  /** REQUIRE_PROFILES=true: pain, medication and wearable resources must meet their FibroTrack profile on write. */
  requireProfiles: boolean;
  /** STATS_ROLLUP=false: Observation/$stats reads every raw value instead of the daily rollup (kept either way). */
  statsRollup: boolean;
  /** TOKEN_CACHE_MS: how long a node takes a verified access token as valid without looking it up again (0: never). */
  tokenCacheMs: number;
  /** AUTH_MODE=smart: FHIR API requests per client per minute (RATE_LIMIT_PER_MINUTE); 0 turns the limit off. */
  rateLimitPerMinute: number;
  /** EHR_SIMULATOR=true: serve the EHR launch simulator at /ehr/ (AUTH_MODE=smart; a development tool, off by default). */
  ehrSimulator: boolean;
  /** Patient/$import-wearable and Fitbit sync (WEARABLE_*, FITBIT_*). */
  wearables: WearablesConfig;
  /** Bulk Data $export and the blob store (BLOB_*, EXPORT_*). */
  bulk: BulkConfig;
  /** Binary content: inline limit, size limits (BINARY_*). */
  binary: BinaryConfig;
  /** FHIR Subscriptions: delivery, retries, endpoint rules (SUBSCRIPTION_*). */
  subscriptions: SubscriptionsConfig;
  /** GET /metrics: METRICS_TOKEN, METRICS_PORT, METRICS_HOST. */
  metrics: MetricsAccess;
  /** LOG_LEVEL of the JSON logs `serve` writes (one line per request at info). */
  logLevel: LogLevel;
}

type Env = Record<string, string | undefined>;

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

export function loadConfig(env: Env): Config {
  const port = intVar(env, 'PORT', 8080);
  const host = env.HOST ?? '127.0.0.1';
  const authMode = env.AUTH_MODE ?? 'smart';
  if (authMode !== 'smart' && authMode !== 'open') throw new Error(`AUTH_MODE must be 'smart' or 'open', got '${authMode}'`);
  // AUTH_MODE=open serves the API without tokens: it may only listen on loopback.
  if (authMode === 'open' && !LOOPBACK.has(host)) {
    throw new Error(
      `HOST=${host} refused: with AUTH_MODE=open the FHIR API has no authorization and only listens on loopback (127.0.0.1, ::1)`,
    );
  }
  if (env.METRICS_PORT && env.METRICS_PORT !== '0' && Number(env.WORKERS ?? 1) > 1) {
    throw new Error(
      'METRICS_PORT cannot be used with WORKERS > 1 (each worker has its own metrics): use METRICS_TOKEN, which serves /metrics on the API port',
    );
  }
  return {
    port,
    host,
    baseUrl: (env.BASE_URL ?? `http://localhost:${port}`).replace(/\/+$/, ''),
    databaseUrl: env.DATABASE_URL ?? 'mysql://root@127.0.0.1:3306/fibrotrack',
    dbPoolSize: intVar(env, 'DB_POOL_SIZE', 10),
    databaseReadUrls: (env.DATABASE_READ_URLS ?? '')
      .split(',')
      .map((u) => u.trim())
      .filter(Boolean),
    databaseReadWaitMs: intVar(env, 'DATABASE_READ_WAIT_MS', 500),
    dbConnectTimeoutMs: intVar(env, 'DB_CONNECT_TIMEOUT_MS', 1000),
    dbPoolAcquireTimeoutMs: intVar(env, 'DB_POOL_ACQUIRE_TIMEOUT_MS', 5000),
    redisUrl: env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    redisPrefix: env.REDIS_PREFIX ?? 'fibrotrack:',
    redisTimeoutMs: intVar(env, 'REDIS_TIMEOUT_MS', 500),
    authMode,
    ...(env.ADMIN_TOKEN ? { adminToken: env.ADMIN_TOKEN } : {}),
    jwksFetchAllowHosts: (env.JWKS_FETCH_ALLOW_HOSTS ?? '')
      .split(',')
      .map((h) => h.trim())
      .filter(Boolean),
    authFetchLimits: {
      connectTimeoutMs: intVar(env, 'AUTH_FETCH_CONNECT_TIMEOUT_MS', DEFAULT_PROVIDER_FETCH_LIMITS.connectTimeoutMs),
      totalTimeoutMs: intVar(env, 'AUTH_FETCH_TIMEOUT_MS', DEFAULT_PROVIDER_FETCH_LIMITS.totalTimeoutMs),
      maxBodyBytes: intVar(env, 'AUTH_FETCH_MAX_BYTES', DEFAULT_PROVIDER_FETCH_LIMITS.maxBodyBytes),
    },
    blobConnectionString: env.BLOB_CONNECTION_STRING,
    maxBodyBytes: intVar(env, 'MAX_BODY_BYTES', 32 * 1024 * 1024),
    workers: Math.max(1, intVar(env, 'WORKERS', 1)),
    shutdownTimeoutMs: intVar(env, 'SHUTDOWN_TIMEOUT_MS', 10_000),
    searchParamPollMs: intVar(env, 'SEARCH_PARAM_POLL_MS', 2000),
    profilesDir: env.PROFILES_DIR ?? fileURLToPath(new URL('../../profiles/generated', import.meta.url)),
    requireProfiles: optionalBoolVar(env, 'REQUIRE_PROFILES') ?? false,
    rateLimitPerMinute: intVar(env, 'RATE_LIMIT_PER_MINUTE', 1200),
    tokenCacheMs: intVar(env, 'TOKEN_CACHE_MS', 5000),
    statsRollup: optionalBoolVar(env, 'STATS_ROLLUP') ?? true,
    ehrSimulator: optionalBoolVar(env, 'EHR_SIMULATOR') ?? false,
    wearables: loadWearablesConfig(env),
    bulk: loadBulkConfig(env),
    binary: loadBinaryConfig(env),
    subscriptions: loadSubscriptionsConfig(env),
    metrics: {
      ...(env.METRICS_TOKEN ? { token: env.METRICS_TOKEN } : {}),
      port: intVar(env, 'METRICS_PORT', 0),
      host: env.METRICS_HOST || '127.0.0.1',
    },
    logLevel: logLevel(env.LOG_LEVEL),
  };
}

function logLevel(raw: string | undefined): LogLevel {
  if (raw === undefined || raw === '') return 'info';
  if (!(LOG_LEVELS as readonly string[]).includes(raw)) throw new Error(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got '${raw}'`);
  return raw as LogLevel;
}

function intVar(env: Env, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw)) throw new Error(`${name} must be a positive integer, got '${raw}'`);
  return Number(raw);
}
