// Who a read is for, carried through one HTTP request (or one background job) in async context: the read replicas
// (read-replicas.ts) use it to decide whether a read may go to a replica and which earlier write it must wait for
// (read-your-writes).
import { AsyncLocalStorage } from 'node:async_hooks';

export interface ReadSession {
  /** Whose writes a read must see: a token's client and user (AUTH_MODE=smart) or one HTTP connection. */
  readonly key: string;
  /** Whether reads outside transactions may go to a replica: read-only requests (GET, HEAD, _search) only. */
  readonly replicas: boolean;
  /**
   * The replication position every read must see, when known up front (a background job's snapshot: what the
   * primary had committed when it began); else the session's last write, remembered by key.
   */
  readonly position?: string;
}

const sessions = new AsyncLocalStorage<ReadSession>();

/** Runs `fn` (and everything it awaits) as `session`. */
export function inReadSession<T>(session: ReadSession, fn: () => T): T {
  return sessions.run(session, fn);
}

/** The session of the request being served; undefined in background work (jobs, timers, the CLI). */
export function currentReadSession(): ReadSession | undefined {
  return sessions.getStore();
}

/**
 * Runs `fn` with every read on the primary, still remembering writes for the session: reads that decide a write
 * (a conditional create's search under its lock) must see everything committed.
 */
export function onPrimary<T>(fn: () => Promise<T>): Promise<T> {
  const session = sessions.getStore();
  return session ? sessions.run({ ...session, replicas: false }, fn) : fn();
}
