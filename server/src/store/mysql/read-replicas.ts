// Read replicas (DATABASE_READ_URLS): reads outside transactions of read-only requests (and of an export's
// snapshot) go to a replica, round robin, with read-your-writes. After a session's write the primary's replication
// position (GTID) is remembered; a later read of that session first waits on the replica until it has applied it, at
// most DATABASE_READ_WAIT_MS, and reads from the primary when it has not. A replica that is down is left alone for a
// few seconds. Writes never come here. Never holds a primary and a replica connection at once: the wait and the read
// each take a pooled connection of the replica and give it back.
import { randomUUID } from 'node:crypto';
import mysql, { type Pool, type PoolConnection, type ResultSetHeader, type RowDataPacket } from 'mysql2/promise';
import { unavailableDependency } from '../../core/unavailable.js';
import type { Sql } from '../sql.js';
import { limitAcquireWait } from './acquire-timeout.js';
import { connectionOptions, type PoolLimits } from './connect.js';
import { AppliedPositions, committedSql, flavorOf, logsGtidsSql, positionSql, waitSql, type Flavor } from './gtid.js';
import { LocalGtidMemory, type GtidMemory } from './gtid-memory.js';
import { currentReadSession, inReadSession } from './read-session.js';

export type Run = <T extends RowDataPacket[] | ResultSetHeader>(q: Sql) => Promise<T>;

/** Runs each statement on a pooled connection of `pool`, given back at once. */
export function runOn(pool: Pool): Run {
  return async <T extends RowDataPacket[] | ResultSetHeader>(q: Sql) => (await pool.query<T>(q.text, q.values as unknown[]))[0];
}

/** How long a replica that failed is skipped before it is tried again. */
const DOWN_FOR_MS = 5000;

export interface ReplicaOptions {
  /** DB_POOL_SIZE: connections per replica. */
  poolSize: number;
  limits: PoolLimits;
  /** DATABASE_READ_WAIT_MS: the longest a read waits for a replica to apply its session's last write. */
  waitMs: number;
}

/** Where the reads went, since start (for tests and operators). */
export interface ReadStats {
  /** Served by a replica. */
  replica: number;
  /** Of those, how many waited for their session's last write first. */
  waited: number;
  /** Read-only reads that went to the primary: no replica up, or it had not caught up within the wait. */
  primary: number;
}

class Replica {
  readonly applied: AppliedPositions;
  downUntil = 0;

  readonly run: Run;

  constructor(
    readonly name: string,
    readonly pool: Pool,
    flavor: Flavor,
  ) {
    this.applied = new AppliedPositions(flavor);
    this.run = runOn(pool);
  }
}

export class ReadReplicas {
  private next = 0;
  private memory: GtidMemory = new LocalGtidMemory();
  private readonly counts: ReadStats = { replica: 0, waited: 0, primary: 0 };

  private constructor(
    private readonly flavor: Flavor,
    private readonly primary: Pool,
    private readonly replicas: Replica[],
    private readonly waitMs: number,
  ) {}

  /**
   * Pools for `urls` (a URL without a database reads the primary's, `primaryUrl`); the engine (MariaDB or MySQL)
   * is the primary's. Connections open on first use. Refuses a primary that logs no GTIDs: its replicas could not
   * give a client its own writes.
   */
  static async open(urls: readonly string[], primaryUrl: string, primary: Pool, options: ReplicaOptions): Promise<ReadReplicas> {
    const [[row]] = await primary.query<RowDataPacket[]>('SELECT VERSION() AS v');
    const flavor = flavorOf(String(row.v));
    const [logs] = await runOn(primary)<RowDataPacket[]>(logsGtidsSql(flavor));
    if (Number(logs.ok) !== 1) {
      throw new Error(
        flavor === 'mariadb'
          ? 'DATABASE_READ_URLS is set, but the primary (DATABASE_URL) has no binary log (log_bin is OFF), so it has no replicas and no GTIDs to wait for: start it with --log-bin, or unset DATABASE_READ_URLS'
          : "DATABASE_READ_URLS is set, but the primary (DATABASE_URL) does not log GTIDs (log_bin and gtid_mode=ON are needed to wait for a client's writes on a replica): turn them on, or unset DATABASE_READ_URLS",
      );
    }
    const replicas = urls.map((url, i) => {
      const pool = mysql.createPool({
        ...connectionOptions(replicaUrl(url, primaryUrl), options.limits),
        connectionLimit: options.poolSize,
      });
      limitAcquireWait(pool, options.limits.acquireTimeoutMs);
      const { hostname, port } = new URL(url);
      return new Replica(`database replica ${i + 1} (${hostname}:${port || 3306})`, pool, flavor);
    });
    return new ReadReplicas(flavor, primary, replicas, options.waitMs);
  }

  /** Where sessions' last writes are kept (default: in this process). */
  useMemory(memory: GtidMemory): void {
    this.memory = memory;
  }

  /**
   * Runs the reads of `fn` on a replica when the current request may read from one, else with `primary`. The
   * replica must first have applied the session's last write; a replica found down mid-way is retried on the primary.
   */
  async read<T>(fn: (run: Run) => Promise<T>, primary: Run): Promise<T> {
    const session = currentReadSession();
    const replica = session?.replicas ? this.pick() : undefined;
    if (!session || !replica) return this.onPrimary(fn, primary, session !== undefined && session.replicas);
    let position = session.position;
    try {
      position ??= await this.memory.get(session.key);
    } catch {
      // Where the session's last write is cannot be told (Redis down): the primary has every write.
      return this.onPrimary(fn, primary, true);
    }
    try {
      if (position !== undefined && position !== '' && !replica.applied.covers(position)) {
        const [row] = await replica.run<RowDataPacket[]>(waitSql(this.flavor, position, this.waitMs));
        if (Number(row.ok) !== 1) return this.onPrimary(fn, primary, true);
        replica.applied.add(position);
        this.counts.waited++;
      }
      this.counts.replica++;
      return await fn(replica.run);
    } catch (err) {
      if (unavailableDependency(err)?.dependency !== 'database') throw err;
      replica.downUntil = Date.now() + DOWN_FOR_MS;
      return this.onPrimary(fn, primary, true);
    }
  }

  /**
   * The replication position after a write committed on `conn` (before it goes back to the pool). The write stands
   * even when this cannot be read (the connection lost just after the commit): then it is '' and not remembered.
   */
  async positionAfterWrite(conn: PoolConnection): Promise<string> {
    try {
      const [[row]] = await conn.query<RowDataPacket[]>(positionSql(this.flavor).text);
      return String(row.pos ?? '');
    } catch {
      return '';
    }
  }

  /**
   * Remembers `position` as the current session's last write. An empty position (the primary logs no GTIDs, or it
   * could not be read) cannot be waited for and is not kept: that session then reads what the replica has.
   */
  async remember(position: string): Promise<void> {
    const session = currentReadSession();
    if (!session || position === '') return;
    // The write is committed whatever happens here: with Redis down it is answered as written, and that client's
    // reads may see a replica without it until the replica catches up.
    await this.memory.set(session.key, position).catch(() => undefined);
  }

  /**
   * Runs `fn`, background work outside any request (an export's snapshot), with its reads on a replica once that
   * replica has applied every write the primary has committed now; on the primary when it has not within the wait.
   */
  async readingFromNow<T>(fn: () => Promise<T>): Promise<T> {
    const [row] = await runOn(this.primary)<RowDataPacket[]>(committedSql(this.flavor));
    return inReadSession({ key: `job:${randomUUID()}`, replicas: true, position: String(row.pos ?? '') }, fn);
  }

  stats(): ReadStats {
    return { ...this.counts };
  }

  /** One readiness check per replica: it answers. A replica down does not make the node unready (reads fall back). */
  probes(): Record<string, () => Promise<unknown>> {
    return Object.fromEntries(this.replicas.map((r) => [r.name, () => r.pool.query('SELECT 1')]));
  }

  async close(): Promise<void> {
    await Promise.all(this.replicas.map((r) => r.pool.end()));
  }

  private pick(): Replica | undefined {
    const now = Date.now();
    for (let i = 0; i < this.replicas.length; i++) {
      const replica = this.replicas[(this.next + i) % this.replicas.length];
      if (replica.downUntil <= now) {
        this.next = (this.next + i + 1) % this.replicas.length;
        return replica;
      }
    }
    return undefined;
  }

  private onPrimary<T>(fn: (run: Run) => Promise<T>, primary: Run, readOnly: boolean): Promise<T> {
    if (readOnly) this.counts.primary++;
    return fn(primary);
  }
}

function replicaUrl(url: string, primaryUrl: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new Error(`DATABASE_READ_URLS holds '${url}', which is not a mysql:// URL`);
  }
  if (u.protocol !== 'mysql:' && u.protocol !== 'mariadb:')
    throw new Error(`DATABASE_READ_URLS must hold mysql:// URLs (got ${u.protocol}//)`);
  if (u.pathname === '' || u.pathname === '/') u.pathname = new URL(primaryUrl).pathname;
  return u.toString();
}
