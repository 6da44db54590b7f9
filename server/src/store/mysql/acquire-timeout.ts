// A bound on how long a request waits for a pooled connection (mysql2 pools have none): past it the wait fails
// with DB_POOL_ACQUIRE_TIMEOUT, which the error handler answers 503, instead of queueing forever behind a
// saturated pool or a database that does not answer.
import type { Pool, PoolConnection } from 'mysql2/promise';
import { POOL_ACQUIRE_TIMEOUT } from '../../core/unavailable.js';

type Callback = (err: Error | null, conn?: PoolConnection) => void;
interface CorePool {
  getConnection(cb: Callback): void;
}

/**
 * Wraps the pool's getConnection, which its query and execute also go through. A connection that arrives after
 * its waiter gave up is released at once, so it serves the next waiter in line.
 */
export function limitAcquireWait(pool: Pool, timeoutMs: number): void {
  if (!(timeoutMs > 0)) return;
  const core = (pool as unknown as { pool: CorePool }).pool;
  const acquire = core.getConnection.bind(core);
  core.getConnection = (cb: Callback) => {
    let settled = false;
    const timer = setTimeout(() => {
      settled = true;
      const err = Object.assign(new Error(`no database connection became free within DB_POOL_ACQUIRE_TIMEOUT_MS=${timeoutMs} ms`), {
        code: POOL_ACQUIRE_TIMEOUT,
      });
      cb(err);
    }, timeoutMs);
    acquire((err, conn) => {
      if (settled) {
        conn?.release();
        return;
      }
      settled = true;
      clearTimeout(timer);
      cb(err, conn);
    });
  };
}
