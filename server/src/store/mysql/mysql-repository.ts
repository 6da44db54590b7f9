// FhirRepository on MySQL/MariaDB: current rows in `resource`, every version in `resource_history`,
// search index rows written in the same transaction.
import type { Resource } from 'fhir/r4.js';
import type { Pool, PoolConnection, ResultSetHeader, RowDataPacket } from 'mysql2/promise';
import { copyExact, parseExact, stringifyExact } from '../../core/exact-numbers.js';
import { conflict, invalidParameter, lockFailed, resourceTooLarge } from '../../core/outcomes.js';
import type { ResourceIndexer } from '../../indexing/resource-indexer.js';
import type { SearchContext } from './search/param-sql.js';
import type { SearchRequest } from '../../search/search-request.js';
import { walkPlan } from './search/walk-plan.js';
import { sortWalkPlan } from './search/sort-walk-plan.js';
import { hintOf, searchWhere } from './search/where.js';
import type {
  EverythingQuery,
  FhirRepository,
  HistoryQuery,
  Page,
  ResourceVersion,
  StatsGroup,
  StatsQuery,
  WriteMethod,
} from '../repository.js';
import { sql, type Sql } from '../sql.js';
import { estimateTotal } from './search/estimate-total.js';
import { everythingPage } from './everything-page.js';
import { historyWhere } from './history-sql.js';
import { resolveIncludes } from './search/resolve-includes.js';
import { storedIdentifiersSql } from './stored-identifiers-sql.js';
import { matchPage } from './search/search-page.js';
import { lastnInCompartment } from './search/lastn-in-compartment.js';
import { lastnSql } from './search/lastn-sql.js';
import { CURRENT_CONTENT, contentOf, decodeCursor, encodeCursor, toVersion, type VersionRow } from './rows.js';
import type { NamedLocks } from './named-locks.js';
import type { PkAllocator } from './pk-allocator.js';
import type { WriteCapabilities } from './connect.js';
import { clearIndexRows, WriteBuffer } from './write-buffer.js';
import { isWholeType, TypeCountDeltas } from './type-counts.js';
import { countSql } from './search/count-sql.js';
import { statsSql, totalCountSql } from './search/stats-sql.js';
import { composedGroups, rollupPlan, rollupSql } from './search/stats-rollup.js';
import { statsGroups } from './search/stats-rows.js';
import type { ReadReplicas, Run } from './read-replicas.js';
import { scopedPool } from './pool-scope.js';
import { onPrimary } from './read-session.js';

const ER_DUP_ENTRY = 1062;
const ER_LOCK_DEADLOCK = 1213;
const MAX_ATTEMPTS = 4;
/** How long a writer waits for a named lock (as GET_LOCK's timeout in takeLock). */
const LOCK_WAIT_MS = 30_000;

/**
 * Takes the named lock of `key` on the connection `run` uses. Named locks are server-wide: the name carries the
 * database (as the migration lock's does), so that two databases on one server never hold each other up, and is
 * hashed so that any key fits GET_LOCK's 64 characters.
 */
async function takeLock(run: (q: Sql) => Promise<RowDataPacket[]>, key: string): Promise<void> {
  const [row] = await run(sql`SELECT GET_LOCK(CONCAT('ft:', SHA1(CONCAT(DATABASE(), ':', ${key}))), 30) AS got`);
  if (row.got !== 1) throw lockFailed(`Another request holds the lock for '${key}'; retry`);
}

/**
 * What a transaction wrote, handed to each commit hook inside the transaction just before it commits: what a
 * hook records with `run` commits or rolls back with the writes (subscriptions' outbox). The function a hook
 * returns runs after the commit.
 */
export interface CommitScope {
  tx: FhirRepository;
  written: readonly ResourceVersion[];
  run: <T extends RowDataPacket[] | ResultSetHeader>(q: Sql) => Promise<T>;
}
export type CommitHook = (scope: CommitScope) => Promise<(() => void) | void>;

/** Bound to the pool outside a transaction, to one connection inside. */
export class MysqlRepository implements FhirRepository {
  private readonly lockedPks = new Map<string, number>();
  private readonly buffer: WriteBuffer;
  private readonly written: ResourceVersion[] = [];
  private readonly counts = new TypeCountDeltas();
  private replicas?: ReadReplicas;
  private statsRollup = true;

  constructor(
    private readonly pool: Pool,
    private readonly indexer: ResourceIndexer,
    private readonly searchContext: () => SearchContext,
    private readonly pkAllocator: PkAllocator,
    private readonly capabilities: WriteCapabilities,
    private readonly locks: NamedLocks,
    private readonly conn?: PoolConnection,
    private readonly hooks: CommitHook[] = [],
  ) {
    this.buffer = new WriteBuffer(capabilities);
  }

  private async query<T extends RowDataPacket[] | ResultSetHeader>(q: Sql): Promise<T> {
    if (this.conn && !this.buffer.empty) await this.buffer.flush(this.conn);
    const [rows] = await (this.conn ?? scopedPool() ?? this.pool).query<T>(q.text, q.values as unknown[]);
    return rows;
  }

  /** Reads outside a transaction may go to a read replica (read-replicas.ts); inside one they use its connection. */
  readFrom(replicas: ReadReplicas): void {
    this.replicas = replicas;
  }

  /** Writes, and every read inside a transaction, stay on the primary. */
  private reading<T>(fn: (run: Run) => Promise<T>): Promise<T> {
    const run: Run = (q) => this.query(q);
    return this.conn || !this.replicas ? fn(run) : this.replicas.read(fn, run);
  }

  read(type: string, id: string): Promise<ResourceVersion | undefined> {
    return this.reading(async (run) => {
      const rows = await run<VersionRow[]>(
        sql`SELECT r.pk, r.res_type, r.res_id, r.version_id, r.last_updated, r.deleted, h.content FROM resource r ${CURRENT_CONTENT}
            WHERE r.res_type = ${type} AND r.res_id = ${id}`,
      );
      return rows[0] ? toVersion(rows[0], rows[0].deleted ? 'DELETE' : 'PUT') : undefined;
    });
  }

  async vread(type: string, id: string, versionId: string): Promise<ResourceVersion | undefined> {
    if (!/^\d{1,9}$/.test(versionId)) return undefined;
    const rows = await this.reading((run) =>
      run<VersionRow[]>(
        sql`SELECT resource_pk AS pk, res_type, res_id, version_id, last_updated, method, deleted, content
          FROM resource_history WHERE res_type = ${type} AND res_id = ${id} AND version_id = ${Number(versionId)}`,
      ),
    );
    return rows[0] ? toVersion(rows[0]) : undefined;
  }

  async history(q: HistoryQuery): Promise<Page<ResourceVersion>> {
    const cursor = q.cursor === undefined ? undefined : decodeCursor(q.cursor);
    if (q.cursor !== undefined && cursor === undefined) throw invalidParameter(`Invalid paging cursor '${q.cursor}'`, '_cursor');
    return this.reading((run) => this.historyPage(q, cursor, run));
  }

  private async historyPage(q: HistoryQuery, cursor: number | undefined, run: Run): Promise<Page<ResourceVersion>> {
    const where = historyWhere(q, cursor);
    const rows = await run<VersionRow[]>(
      sql`SELECT seq, resource_pk AS pk, res_type, res_id, version_id, last_updated, method, deleted, content
          FROM resource_history h WHERE ${where} ORDER BY h.seq DESC LIMIT ${q.count + 1}`,
    );
    const items = rows.slice(0, q.count).map((r) => toVersion(r));
    const page: Page<ResourceVersion> = { items };
    if (rows.length > q.count && q.count > 0) page.nextCursor = encodeCursor(Number(rows[q.count - 1].seq));
    // Counting is cheap for one resource's versions; over a whole type or system it would not scale.
    if (cursor === undefined && q.id !== undefined) {
      const [{ n }] = await run<RowDataPacket[]>(sql`SELECT COUNT(*) AS n FROM resource_history h WHERE ${historyWhere(q, undefined)}`);
      page.total = Number(n);
    }
    return page;
  }

  search(request: SearchRequest): Promise<Page<Resource>> {
    return this.reading((run) => this.searchPage(request, run));
  }

  private async searchPage(request: SearchRequest, run: Run): Promise<Page<Resource>> {
    const ctx = this.searchContext();
    const hint = hintOf(request, ctx);
    const where = searchWhere(request, ctx, hint);
    const page: Page<Resource> = { items: [] };
    if (request.count > 0) {
      Object.assign(
        page,
        await matchPage(
          request,
          where,
          (q) => run<VersionRow[]>(q),
          ctx.derived,
          request.sort.length > 0 ? sortWalkPlan(request, ctx, hint) : walkPlan(request, ctx, hint),
        ),
      );
      // The first page holding every match gives the exact total for free.
      if (request.total !== 'none' && request.cursor === undefined && page.nextCursor === undefined) page.total = page.items.length;
    }
    if (page.items.length > 0 && (request.include.length > 0 || request.revinclude.length > 0)) {
      page.included = await resolveIncludes(request, page.items, (q) => run<VersionRow[]>(q), ctx.derived);
    }
    // A type alone: its count kept by the writes (type-counts.ts) is exact and cheap, for accurate and estimate alike.
    if ((request.total === 'accurate' || (request.total === 'estimate' && isWholeType(request))) && page.total === undefined) {
      const [{ n }] = await run<RowDataPacket[]>(countSql(request, where, ctx, hint));
      page.total = Number(n);
    } else if (request.total === 'estimate' && page.total === undefined) {
      // At least the matches this page saw (and one more when there is a next page).
      const seen = page.items.length + (page.nextCursor ? 1 : 0);
      page.total = await estimateTotal(sql`SELECT COUNT(*) AS n FROM resource r WHERE ${where}`, seen, (q) => run(q));
    }
    return page;
  }

  lastn(request: SearchRequest, max: number): Promise<Resource[]> {
    return this.reading((run) => this.lastnOf(request, max, run));
  }

  private async lastnOf(request: SearchRequest, max: number, run: Run): Promise<Resource[]> {
    const ctx = this.searchContext();
    const hint = hintOf(request, ctx);
    let rows: VersionRow[];
    // Within a patient's compartment, each statement returns a code's newest few (lastn-in-compartment.ts).
    if (hint) {
      const pks = await lastnInCompartment(request, ctx, hint, max, (q) => run<VersionRow[]>(q));
      const content = pks.length === 0 ? [] : await run<VersionRow[]>(contentOf(pks));
      const byPk = new Map(content.map((r) => [Number(r.pk), r]));
      rows = pks.flatMap((pk) => byPk.get(pk) ?? []);
    } else {
      rows = await run<VersionRow[]>(lastnSql(searchWhere(request, ctx, hint), max));
    }
    const seen = new Set<number>();
    return rows.filter((r) => !seen.has(Number(r.pk)) && seen.add(Number(r.pk))).map((r) => parseExact<Resource>(r.content!));
  }

  /** STATS_ROLLUP=false: $stats reads every raw value (the rollup is kept all the same). */
  useStatsRollup(on: boolean): void {
    this.statsRollup = on;
  }

  async stats(query: StatsQuery): Promise<StatsGroup[]> {
    const ctx = this.searchContext();
    const plan = this.statsRollup ? rollupPlan(query, ctx.derived) : undefined;
    if (plan) {
      // The whole days from the rollup, the partial days at the edges from the index rows, side by side.
      return this.reading(async (run) => {
        const parts = [
          () => run<RowDataPacket[]>(rollupSql(query, plan)),
          ...plan.edges.map((e) => () => run<RowDataPacket[]>(statsSql(query, searchWhere(e.request, ctx), ctx.derived, e.within))),
        ];
        const rows = this.conn ? await sequential(parts) : await Promise.all(parts.map((p) => p()));
        return composedGroups(query, rows);
      });
    }
    const where = searchWhere(query.request, ctx);
    return this.reading(async (run) => {
      const values = () => run<RowDataPacket[]>(statsSql(query, where, ctx.derived));
      const totals = async () => (query.totalCount ? run<RowDataPacket[]>(totalCountSql(query, where, ctx.derived)) : []);
      // Side by side on the pool (or replica); inside a transaction there is one connection.
      const [rows, counted] = this.conn ? [await values(), await totals()] : await Promise.all([values(), totals()]);
      return statsGroups(query, rows, counted);
    });
  }

  everything(query: EverythingQuery): Promise<Page<Resource>> {
    return this.reading((run) => everythingPage(query, (q) => run<RowDataPacket[]>(q), this.searchContext().derived));
  }

  async storedIdentifiers(
    type: string,
    param: string,
    target: { type: string; id: string },
    system: string,
    values: readonly string[],
  ): Promise<Set<string>> {
    const found = new Set<string>();
    for (const q of storedIdentifiersSql(this.searchContext().derived, type, param, target, system, values)) {
      for (const r of await this.query<RowDataPacket[]>(q)) found.add(String(r.code));
    }
    return found;
  }

  async transaction<T>(fn: (tx: FhirRepository) => Promise<T>): Promise<T> {
    if (this.conn) return fn(this);
    const { result, position } = await this.commitUnit(fn);
    // With the primary's connection back in the pool: the session's next read on a replica waits for this write.
    if (position !== undefined) await this.replicas!.remember(position);
    return result;
  }

  private async commitUnit<T>(fn: (tx: FhirRepository) => Promise<T>): Promise<{ result: T; position?: string }> {
    for (let attempt = 1; ; attempt++) {
      const conn = await (scopedPool() ?? this.pool).getConnection();
      const tx = new MysqlRepository(
        this.pool,
        this.indexer,
        this.searchContext,
        this.pkAllocator,
        this.capabilities,
        this.locks,
        conn,
        this.hooks,
      );
      try {
        await conn.beginTransaction();
        const result = await fn(tx);
        const after: (() => void)[] = [];
        if (tx.written.length > 0) {
          for (const hook of this.hooks) {
            const then = await hook({ tx, written: tx.written, run: (q) => tx.query(q) });
            if (then) after.push(then);
          }
        }
        if (!tx.buffer.empty) await tx.buffer.flush(conn);
        await tx.counts.flush(conn);
        await conn.commit();
        for (const then of after) then();
        const position = this.replicas && tx.written.length > 0 ? await this.replicas.positionAfterWrite(conn) : undefined;
        return { result, position };
      } catch (err) {
        await conn.rollback().catch(() => undefined);
        const errno = (err as { errno?: number }).errno;
        // A deadlock, or a concurrent create of the same id, is resolved by running the unit again.
        if (errno !== ER_LOCK_DEADLOCK && errno !== ER_DUP_ENTRY) throw err;
        if (attempt >= MAX_ATTEMPTS) throw errno === ER_DUP_ENTRY ? conflict('A concurrent write created the same resource; retry') : err;
      } finally {
        await conn.query('SELECT RELEASE_ALL_LOCKS()').catch(() => undefined);
        conn.release();
      }
    }
  }

  /** Registers a hook run in every later write transaction, before it commits (see CommitScope). */
  onCommit(hook: CommitHook): void {
    this.hooks.push(hook);
  }

  async readForUpdate(type: string, id: string): Promise<ResourceVersion | undefined> {
    const rows = await this.query<VersionRow[]>(
      sql`SELECT r.pk, r.res_type, r.res_id, r.version_id, r.last_updated, r.deleted, h.content FROM resource r ${CURRENT_CONTENT}
          WHERE r.res_type = ${type} AND r.res_id = ${id} FOR UPDATE`,
    );
    if (!rows[0]) return undefined;
    this.lockedPks.set(`${type}/${id}`, Number(rows[0].pk));
    return toVersion(rows[0], rows[0].deleted ? 'DELETE' : 'PUT');
  }

  async lock(key: string): Promise<void> {
    await takeLock((q) => this.query<RowDataPacket[]>(q), key);
  }

  /** On the lock session, never on a pooled connection: `fn` needs the pool for its own transactions. */
  async withLock<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const release = await this.locks.acquire(key, LOCK_WAIT_MS);
    try {
      // What `fn` reads decides what it writes: it must see every commit, on the primary.
      return await onPrimary(fn);
    } finally {
      await release();
    }
  }

  async write(resource: Resource, previous: ResourceVersion | undefined, method: WriteMethod): Promise<ResourceVersion> {
    const conn = this.requireConnection();
    const now = new Date();
    const versionId = previous ? Number(previous.versionId) + 1 : 1;
    const stored = { ...resource, meta: { ...resource.meta, versionId: String(versionId), lastUpdated: now.toISOString() } } as Resource;
    copyExact(resource, stored);
    const content = stringifyExact(stored);
    const type = resource.resourceType;
    const bytes = Buffer.byteLength(content);
    if (bytes > this.capabilities.maxResourceBytes) throw resourceTooLarge(type, bytes, this.capabilities.maxResourceBytes);
    const id = resource.id!;
    let pk: number;
    if (previous) {
      pk = this.pkOf(type, id);
      await this.query(sql`UPDATE resource SET version_id = ${versionId}, last_updated = ${now}, deleted = 0 WHERE pk = ${pk}`);
      if (!previous.deleted) await this.clearIndex(conn, type, pk);
      else this.counts.add(type, 1);
    } else {
      this.counts.add(type, 1);
      pk = await this.pkAllocator.nextPk();
      this.buffer.resource([pk, type, id, 1, now, 0]);
      this.lockedPks.set(`${type}/${id}`, pk);
    }
    this.buffer.history([pk, type, id, versionId, now, method, 0, content]);
    this.buffer.index(pk, type, this.indexer.rowsToStore(stored));
    const version: ResourceVersion = {
      type,
      id,
      versionId: String(versionId),
      lastUpdated: now.toISOString(),
      deleted: false,
      method,
      resource: stored,
    };
    this.written.push(version);
    return version;
  }

  async remove(previous: ResourceVersion): Promise<ResourceVersion> {
    const conn = this.requireConnection();
    const now = new Date();
    const versionId = Number(previous.versionId) + 1;
    const pk = this.pkOf(previous.type, previous.id);
    await this.query(sql`UPDATE resource SET version_id = ${versionId}, last_updated = ${now}, deleted = 1 WHERE pk = ${pk}`);
    if (!previous.deleted) this.counts.add(previous.type, -1);
    await this.clearIndex(conn, previous.type, pk);
    this.buffer.history([pk, previous.type, previous.id, versionId, now, 'DELETE', 1, null]);
    const version: ResourceVersion = {
      type: previous.type,
      id: previous.id,
      versionId: String(versionId),
      lastUpdated: now.toISOString(),
      deleted: true,
      method: 'DELETE',
    };
    this.written.push(version);
    return version;
  }

  async close(): Promise<void> {
    if (this.conn) return;
    await this.pkAllocator.close();
    await this.locks.close();
    await this.pool.end();
  }

  private async clearIndex(conn: PoolConnection, type: string, pk: number): Promise<void> {
    if (!this.buffer.empty) await this.buffer.flush(conn);
    await clearIndexRows(conn, type, [pk]);
  }

  private pkOf(type: string, id: string): number {
    const pk = this.lockedPks.get(`${type}/${id}`);
    if (pk === undefined) throw new Error(`write to ${type}/${id} without readForUpdate in this transaction`);
    return pk;
  }

  private requireConnection(): PoolConnection {
    if (!this.conn) throw new Error('writes must run inside repository.transaction()');
    return this.conn;
  }
}

/** One after another (inside a transaction there is one connection). */
async function sequential<T>(steps: readonly (() => Promise<T>)[]): Promise<T[]> {
  const out: T[] = [];
  for (const step of steps) out.push(await step());
  return out;
}
