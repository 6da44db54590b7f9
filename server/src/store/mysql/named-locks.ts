// Named locks held for longer than one transaction (a patient's import, a Fitbit sync), on one database session of
// their own outside the pool: a request that holds or waits for such a lock holds no pooled connection, so any
// number of them can never starve the pool that their own transactions need. Every lock of this process lives on
// that one session (MariaDB lets a session hold many named locks); waiting happens here, not in GET_LOCK, so
// the session never blocks: a waiter for a key held in this process queues behind it, and a key held by another
// node is polled with GET_LOCK(name, 0). The names are the ones `FhirRepository.lock` takes inside a transaction,
// so both kinds exclude each other.
import mysql, { type Connection, type RowDataPacket } from 'mysql2/promise';
import { lockFailed } from '../../core/outcomes.js';

/** Releases the lock; safe to call more than once. */
export type Release = () => Promise<void>;

const LOCK_NAME = "CONCAT('ft:', SHA1(CONCAT(DATABASE(), ':', ?)))";
const POLL_MIN_MS = 20;
const POLL_MAX_MS = 250;

export class NamedLocks {
  private session?: Promise<Connection>;
  /** Keys held in this process, each with the queue of local waiters (FIFO). */
  private readonly held = new Map<string, (() => void)[]>();
  private closed = false;

  constructor(private readonly options: mysql.ConnectionOptions) {}

  /** The lock of `key` if it is free now, else undefined. */
  async tryAcquire(key: string): Promise<Release | undefined> {
    if (this.held.has(key)) return undefined;
    this.held.set(key, []);
    try {
      if (await this.getLock(key)) return this.releaser(key);
    } catch (err) {
      this.handOn(key);
      throw err;
    }
    this.handOn(key);
    return undefined;
  }

  /** Waits up to `waitMs` for the lock of `key`; a 409 OperationOutcome when it stays taken. */
  async acquire(key: string, waitMs: number): Promise<Release> {
    const deadline = Date.now() + waitMs;
    const taken = () => lockFailed(`Another request holds the lock for '${key}'; retry`);
    const queue = this.held.get(key);
    if (queue) {
      // The holder hands the key straight on to the first waiter (handOn), so the key stays in `held`.
      const handed = await new Promise<boolean>((resolve) => {
        const timer = setTimeout(
          () => {
            const i = queue.indexOf(wake);
            if (i >= 0) queue.splice(i, 1);
            resolve(false);
          },
          Math.max(0, deadline - Date.now()),
        );
        const wake = () => {
          clearTimeout(timer);
          resolve(true);
        };
        queue.push(wake);
      });
      if (!handed) throw taken();
    } else {
      this.held.set(key, []);
    }
    try {
      for (let pause = POLL_MIN_MS; ; pause = Math.min(POLL_MAX_MS, pause * 2)) {
        if (await this.getLock(key)) return this.releaser(key);
        if (Date.now() + pause > deadline) throw taken();
        await new Promise((r) => setTimeout(r, pause));
      }
    } catch (err) {
      this.handOn(key);
      throw err;
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    const session = this.session;
    this.session = undefined;
    if (session) await (await session.catch(() => undefined))?.end().catch(() => undefined);
  }

  private async getLock(key: string): Promise<boolean> {
    const conn = await this.connection();
    const [rows] = await conn.query<RowDataPacket[]>(`SELECT GET_LOCK(${LOCK_NAME}, 0) AS got`, [key]);
    return rows[0].got === 1;
  }

  private releaser(key: string): Release {
    const session = this.session;
    let done = false;
    return async () => {
      if (done) return;
      done = true;
      try {
        // A lost session lost its locks with it; there is nothing to release on a new one.
        if (session && session === this.session) await (await session).query(`SELECT RELEASE_LOCK(${LOCK_NAME})`, [key]);
      } catch {
        // The session broke: the database released the lock.
      } finally {
        this.handOn(key);
      }
    };
  }

  /** The next local waiter gets the key, or the key is free in this process. */
  private handOn(key: string): void {
    const next = this.held.get(key)?.shift();
    if (next) next();
    else this.held.delete(key);
  }

  private connection(): Promise<Connection> {
    if (this.closed) return Promise.reject(new Error('the lock session is closed'));
    if (!this.session) {
      const opening = mysql.createConnection(this.options);
      this.session = opening;
      opening.then(
        (conn) => {
          // A broken session is replaced by the next lock taken; the locks it held are gone with it.
          conn.on('error', () => {
            if (this.session === opening) this.session = undefined;
          });
          conn.on('end', () => {
            if (this.session === opening) this.session = undefined;
          });
        },
        () => {
          if (this.session === opening) this.session = undefined;
        },
      );
    }
    return this.session;
  }
}
