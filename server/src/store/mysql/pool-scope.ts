// A pool of its own for one background job (the Subscription delivery loop): the repository's queries made in
// `onPool(scope, fn)` (and everything it awaits) take their connections from the scope's pool instead of the
// HTTP requests' pool, so the job's SQL does not queue behind requests (nor requests behind it). Once the scope
// is closed, what still runs in it (a timer it started) falls back to the repository's own pool.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Pool } from 'mysql2/promise';

export interface PoolScope {
  readonly pool: Pool;
  closed: boolean;
}

const scopes = new AsyncLocalStorage<PoolScope>();

/** Runs `fn` with the repository's pooled queries and transactions on `scope.pool`. */
export function onPool<T>(scope: PoolScope, fn: () => T): T {
  return scopes.run(scope, fn);
}

/** The pool of the background job being run, if any and still open. */
export function scopedPool(): Pool | undefined {
  const scope = scopes.getStore();
  return scope && !scope.closed ? scope.pool : undefined;
}
