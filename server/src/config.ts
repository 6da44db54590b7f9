// Server configuration from environment variables; main.ts passes process.env, tests pass their own.
import { fileURLToPath } from 'node:url';
import { loadWearablesConfig, type WearablesConfig } from './wearables/wearables-config.js';

export interface Config {
  port: number;
  host: string;
  /** Public URL of the server, without trailing slash; the FHIR base is `${baseUrl}/fhir`. */
  baseUrl: string;
  databaseUrl: string;
  dbPoolSize: number;
  redisUrl: string;
  blobConnectionString?: string;
  maxBodyBytes: number;
  /** HTTP worker processes `serve` starts (node:cluster); each is a full, stateless API node. */
  workers: number;
  /** Built FibroTrack conformance resources loaded at start (PROFILES_DIR, default profiles/generated). */
  profilesDir: string;
  /** REQUIRE_PROFILES=true: pain, medication and wearable resources must meet their FibroTrack profile on write. */
  requireProfiles: boolean;
  /** Patient/$import-wearable and Fitbit sync (WEARABLE_*, FITBIT_*). */
  wearables: WearablesConfig;
}

type Env = Record<string, string | undefined>;

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

export function loadConfig(env: Env): Config {
  const port = intVar(env, 'PORT', 8080);
  const host = env.HOST ?? '127.0.0.1';
  // No SMART authorization exists yet, so the API is open: it may only listen on loopback.
  if (!LOOPBACK.has(host)) {
    throw new Error(`HOST=${host} refused: the FHIR API has no authorization yet and only listens on loopback (127.0.0.1, ::1)`);
  }
  return {
    port,
    host,
    baseUrl: (env.BASE_URL ?? `http://localhost:${port}`).replace(/\/+$/, ''),
    databaseUrl: env.DATABASE_URL ?? 'mysql://root@127.0.0.1:3306/fibrotrack',
    dbPoolSize: intVar(env, 'DB_POOL_SIZE', 10),
    redisUrl: env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    blobConnectionString: env.BLOB_CONNECTION_STRING,
    maxBodyBytes: intVar(env, 'MAX_BODY_BYTES', 32 * 1024 * 1024),
    workers: Math.max(1, intVar(env, 'WORKERS', 1)),
    profilesDir: env.PROFILES_DIR ?? fileURLToPath(new URL('../../profiles/generated', import.meta.url)),
    requireProfiles: boolVar(env, 'REQUIRE_PROFILES', false),
    wearables: loadWearablesConfig(env),
  };
}

function boolVar(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (raw !== 'true' && raw !== 'false') throw new Error(`${name} must be true or false, got '${raw}'`);
  return raw === 'true';
}

function intVar(env: Env, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw)) throw new Error(`${name} must be a positive integer, got '${raw}'`);
  return Number(raw);
}
