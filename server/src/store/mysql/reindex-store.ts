// Reindex jobs and runtime search parameter state in MySQL (migration 024), and the batch step that rebuilds the
// index rows of a run of resources of one type. https://hapifhir.io/hapi-fhir/docs/server_jpa/search.html#reindexing
import { randomUUID } from 'node:crypto';
import type { Resource, SearchParameter } from 'fhir/r4.js';
import type { Pool, ResultSetHeader, RowDataPacket } from 'mysql2/promise';
import type { ResourceIndexer } from '../../indexing/resource-indexer.js';
import type { WriteCapabilities } from './connect.js';
import { clearIndexRows, WriteBuffer } from './write-buffer.js';

export type ReindexState = 'queued' | 'running' | 'done' | 'failed' | 'superseded';

export interface ReindexJob {
  id: string;
  type: string;
  state: ReindexState;
  reason: string;
  total: number;
  processed: number;
  cursorPk: number;
  error: string | null;
  createdAt: Date;
  heartbeatAt: Date;
  finishedAt: Date | null;
}

/** A runtime parameter as a job makes it ready: its type, code, url and definition hash. */
export interface ParamState {
  type: string;
  code: string;
  url: string;
  hash: string;
}

/** A running job's heartbeat is older than this: its node went away, and any node may take it over. */
export const STALE_SECONDS = 60;

/** A reindex_job row as mysql2 returns it (DATETIME columns as Date, BIGINT counters possibly as strings). */
interface ReindexJobRecord extends RowDataPacket {
  id: string;
  res_type: string;
  state: ReindexState;
  reason: string;
  total: number | string;
  processed: number | string;
  cursor_pk: number | string;
  error: string | null;
  created_at: Date;
  heartbeat_at: Date;
  finished_at: Date | null;
}

const toJob = (r: ReindexJobRecord): ReindexJob => ({
  id: r.id,
  type: r.res_type,
  state: r.state,
  reason: r.reason,
  total: Number(r.total),
  processed: Number(r.processed),
  cursorPk: Number(r.cursor_pk),
  error: r.error,
  createdAt: r.created_at,
  heartbeatAt: r.heartbeat_at,
  finishedAt: r.finished_at,
});

export class ReindexStore {
  constructor(
    private readonly pool: Pool,
    private readonly indexer: ResourceIndexer,
    private readonly capabilities: Pick<WriteCapabilities, 'loadData'>,
  ) {}

  /**
   * A new job for `type`. Earlier unfinished jobs of the type are superseded (this one reindexes everything they
   * would have), and the parameters they were building, with `params`, now wait for this one.
   */
  async create(type: string, reason: string, params: readonly ParamState[]): Promise<string> {
    const id = randomUUID();
    const conn = await this.pool.getConnection();
    try {
      await conn.beginTransaction();
      const [[{ n }]] = await conn.query<RowDataPacket[]>(`SELECT COUNT(*) AS n FROM resource WHERE res_type = ? AND deleted = 0`, [type]);
      await conn.query(
        `UPDATE reindex_job SET state = 'superseded', finished_at = NOW(3) WHERE res_type = ? AND state IN ('queued', 'running', 'failed')`,
        [type],
      );
      await conn.query(
        `INSERT INTO reindex_job (id, res_type, state, reason, total, created_at, heartbeat_at) VALUES (?, ?, 'queued', ?, ?, NOW(3), NOW(3))`,
        [id, type, reason.slice(0, 255), Number(n)],
      );
      await conn.query(`UPDATE search_param_state SET job_id = ? WHERE res_type = ? AND ready = 0`, [id, type]);
      for (const p of params) {
        await conn.query(
          `INSERT INTO search_param_state (res_type, code, url, def_hash, job_id, ready) VALUES (?, ?, ?, ?, ?, 0)
           ON DUPLICATE KEY UPDATE url = VALUES(url), def_hash = VALUES(def_hash), job_id = VALUES(job_id), ready = 0`,
          [p.type, p.code, p.url.slice(0, 512), p.hash, id],
        );
      }
      await conn.commit();
    } catch (err) {
      await conn.rollback().catch(() => undefined);
      throw err;
    } finally {
      conn.release();
    }
    return id;
  }

  async get(id: string): Promise<ReindexJob | undefined> {
    const [rows] = await this.pool.query<ReindexJobRecord[]>(`SELECT * FROM reindex_job WHERE id = ?`, [id]);
    return rows[0] ? toJob(rows[0]) : undefined;
  }

  /** Jobs a node may run: queued, or running with a stale heartbeat (their node stopped). */
  async resumable(): Promise<string[]> {
    const [rows] = await this.pool.query<RowDataPacket[]>(
      `SELECT id FROM reindex_job WHERE state = 'queued' OR (state = 'running' AND heartbeat_at < NOW(3) - INTERVAL ${STALE_SECONDS} SECOND) ORDER BY created_at`,
    );
    return rows.map((r) => String(r.id));
  }

  /** Takes the job for this node; false when another node runs it or it has ended. */
  async claim(id: string): Promise<boolean> {
    const [result] = await this.pool.query<ResultSetHeader>(
      `UPDATE reindex_job SET state = 'running', heartbeat_at = NOW(3), error = NULL
       WHERE id = ? AND (state = 'queued' OR (state = 'running' AND heartbeat_at < NOW(3) - INTERVAL ${STALE_SECONDS} SECOND))`,
      [id],
    );
    return result.affectedRows === 1;
  }

  /** Puts a running job back in the queue (its node is closing): the next node to start resumes it from its cursor. */
  async release(id: string): Promise<void> {
    await this.pool.query(`UPDATE reindex_job SET state = 'queued' WHERE id = ? AND state = 'running'`, [id]);
  }

  async fail(id: string, error: string): Promise<void> {
    await this.pool.query(`UPDATE reindex_job SET state = 'failed', error = ?, finished_at = NOW(3) WHERE id = ? AND state = 'running'`, [
      error.slice(0, 1024),
      id,
    ]);
  }

  /** Done: the parameters that waited for this job become searchable. */
  async finish(id: string): Promise<void> {
    const conn = await this.pool.getConnection();
    try {
      await conn.beginTransaction();
      const [result] = await conn.query<ResultSetHeader>(
        `UPDATE reindex_job SET state = 'done', finished_at = NOW(3) WHERE id = ? AND state = 'running'`,
        [id],
      );
      if (result.affectedRows === 1) await conn.query(`UPDATE search_param_state SET ready = 1 WHERE job_id = ?`, [id]);
      await conn.commit();
    } catch (err) {
      await conn.rollback().catch(() => undefined);
      throw err;
    } finally {
      conn.release();
    }
  }

  /**
   * Rebuilds the index rows of the next `limit` resources of the job's type after its cursor, under row locks so
   * that a concurrent write of one of them (which indexes it itself) is not overwritten with older rows. Returns
   * how many were done (0: the job has walked every resource), or -1 when the job is no longer this node's to run.
   */
  async step(job: { id: string; type: string }, limit: number): Promise<number> {
    const conn = await this.pool.getConnection();
    try {
      await conn.beginTransaction();
      const [[head]] = await conn.query<RowDataPacket[]>(`SELECT state, cursor_pk FROM reindex_job WHERE id = ? FOR UPDATE`, [job.id]);
      if (!head || head.state !== 'running') {
        await conn.rollback();
        return -1;
      }
      const [rows] = await conn.query<RowDataPacket[]>(
        `SELECT r.pk, h.content FROM resource r JOIN resource_history h ON h.resource_pk = r.pk AND h.version_id = r.version_id
         WHERE r.res_type = ? AND r.pk > ? AND r.deleted = 0 ORDER BY r.pk LIMIT ? FOR UPDATE`,
        [job.type, Number(head.cursor_pk), limit],
      );
      if (rows.length > 0) {
        const pks = rows.map((r) => Number(r.pk));
        await clearIndexRows(conn, job.type, pks);
        const buffer = new WriteBuffer(this.capabilities);
        for (const r of rows) {
          const resource = JSON.parse(String(r.content)) as Resource;
          buffer.index(Number(r.pk), job.type, this.indexer.rowsToStore(resource));
        }
        await buffer.flush(conn);
      }
      await conn.query(`UPDATE reindex_job SET processed = processed + ?, cursor_pk = ?, heartbeat_at = NOW(3) WHERE id = ?`, [
        rows.length,
        rows.length > 0 ? Number(rows[rows.length - 1].pk) : Number(head.cursor_pk),
        job.id,
      ]);
      await conn.commit();
      return rows.length;
    } catch (err) {
      await conn.rollback().catch(() => undefined);
      throw err;
    } finally {
      conn.release();
    }
  }

  /** The state rows of these runtime parameters of `type`: code -> whether ready, and the job building it. */
  async paramStates(type: string, codes: readonly string[]): Promise<Map<string, { ready: boolean; jobId: string; hash: string }>> {
    if (codes.length === 0) return new Map();
    const [rows] = await this.pool.query<RowDataPacket[]>(
      `SELECT code, ready, job_id, def_hash FROM search_param_state WHERE res_type = ? AND code IN (?)`,
      [type, codes],
    );
    return new Map(rows.map((r) => [String(r.code), { ready: Number(r.ready) === 1, jobId: String(r.job_id), hash: String(r.def_hash) }]));
  }

  /** Types that hold resources (a `$reindex` without a type reindexes them all). */
  async storedTypes(): Promise<string[]> {
    const [rows] = await this.pool.query<RowDataPacket[]>(`SELECT DISTINCT res_type FROM resource WHERE deleted = 0`);
    return rows.map((r) => String(r.res_type));
  }

  /** State rows of parameters no longer held (deleted or retired SearchParameters) go with their types' next job. */
  async forget(type: string, keepCodes: readonly string[]): Promise<void> {
    if (keepCodes.length === 0) await this.pool.query(`DELETE FROM search_param_state WHERE res_type = ?`, [type]);
    else await this.pool.query(`DELETE FROM search_param_state WHERE res_type = ? AND code NOT IN (?)`, [type, keepCodes]);
  }

  /** The SearchParameter generation (migration 027): raised by every node after it changed one. */
  async generation(): Promise<number> {
    const [rows] = await this.pool.query<RowDataPacket[]>('SELECT generation FROM search_param_generation WHERE id = 1');
    return Number(rows[0]?.generation ?? 0);
  }

  async raiseGeneration(): Promise<void> {
    await this.pool.query('UPDATE search_param_generation SET generation = generation + 1 WHERE id = 1');
  }

  /** The SearchParameter resources stored (not deleted). */
  async storedSearchParameters(): Promise<SearchParameter[]> {
    const [rows] = await this.pool.query<RowDataPacket[]>(
      `SELECT h.content FROM resource r JOIN resource_history h ON h.resource_pk = r.pk AND h.version_id = r.version_id
       WHERE r.res_type = 'SearchParameter' AND r.deleted = 0 ORDER BY r.pk`,
    );
    return rows.map((r) => JSON.parse(String(r.content)) as SearchParameter);
  }

  /** Types that have runtime parameter state rows. */
  async typesWithState(): Promise<string[]> {
    const [rows] = await this.pool.query<RowDataPacket[]>(`SELECT DISTINCT res_type FROM search_param_state`);
    return rows.map((r) => String(r.res_type));
  }
}
