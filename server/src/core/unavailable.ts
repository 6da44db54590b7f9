// Tells an error that means "a dependency is down or saturated" (MariaDB/MySQL, Redis) from any other failure, by
// the codes and messages mysql2 and ioredis give them, so the one error handler answers 503 rather than 500.
import { OutcomeError, serviceUnavailable } from './outcomes.js';

export type Dependency = 'database' | 'Redis';

/** Seconds a client is told to wait (Retry-After): reconnecting takes the pools and ioredis about a second. */
export const RETRY_AFTER_SECONDS = 5;

/** Set on the error a pooled connection request gets when it waited DB_POOL_ACQUIRE_TIMEOUT_MS (store/mysql). */
export const POOL_ACQUIRE_TIMEOUT = 'DB_POOL_ACQUIRE_TIMEOUT';

// Network failures reaching the database, and what MySQL/MariaDB answer when they shut down or are full.
const DATABASE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_SEQUENCE_TIMEOUT',
  'ER_CON_COUNT_ERROR',
  'ER_TOO_MANY_USER_CONNECTIONS',
  'ER_SERVER_SHUTDOWN',
  'ER_CONNECTION_KILLED',
  'ER_NET_READ_INTERRUPTED',
  'ER_NET_WRITE_INTERRUPTED',
  POOL_ACQUIRE_TIMEOUT,
]);
const DATABASE_MESSAGES = /^(Can't add new command when connection is in closed state|Can't write in closed state|Connection lost)/;

// ioredis: offline with enableOfflineQueue off, commandTimeout reached, or retries per request used up.
const REDIS_MESSAGES =
  /^(Stream isn't writeable and enableOfflineQueue options is false|Connection is closed\.|Command timed out|Reached the max retries per request limit)/;

export interface Unavailable {
  dependency: Dependency;
  detail: string;
}

/** The dependency `err` (or an error it wraps as `cause`) says is unavailable; undefined for any other error. */
export function unavailableDependency(err: unknown): Unavailable | undefined {
  for (let e = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (e.name === 'MaxRetriesPerRequestError' || REDIS_MESSAGES.test(e.message))
      return { dependency: 'Redis', detail: redisDetail(e.message) };
    if ((typeof code === 'string' && DATABASE_CODES.has(code)) || DATABASE_MESSAGES.test(e.message)) {
      return { dependency: 'database', detail: typeof code === 'string' ? code : e.message };
    }
  }
  return undefined;
}

const redisDetail = (message: string) =>
  message.startsWith('Stream') || message.startsWith('Connection')
    ? 'not connected'
    : message.startsWith('Command')
      ? 'no answer within REDIS_TIMEOUT_MS'
      : message;

/** The 503 OutcomeError for `err` when it is a dependency failure. */
export function unavailableOutcome(err: unknown): OutcomeError | undefined {
  const down = unavailableDependency(err);
  return down && serviceUnavailable(down.dependency === 'database' ? 'The database' : 'Redis', down.detail, RETRY_AFTER_SECONDS);
}
