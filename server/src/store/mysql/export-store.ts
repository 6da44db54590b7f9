// Bulk export jobs, their output files (migration 025) and the snapshot read of stored versions as of a job's
// transactionTime. The lease (lease_owner, lease_until) is the only way a node runs a job: claims are single
// UPDATEs, so two nodes never hold the same job. Job rows are always read and written on the primary; the snapshot
// (stored types and batches) may be read from a read replica. https://hl7.org/fhir/uv/bulkdata/export.html
import type { Pool, ResultSetHeader, RowDataPacket } from 'mysql2/promise';
import { runOn, type ReadReplicas, type Run } from './read-replicas.js';

export type ExportState = 'queued' | 'running' | 'done' | 'failed' | 'cancelled';

export interface ExportJobRow {
  id: string;
  state: ExportState;
  requestUrl: string;
  spec: string;
  access: string | null;
  clientId: string;
  transactionTime: Date;
  createdAt: Date;
  attempts: number;
  processed: number;
  error: string | null;
  finishedAt: Date | null;
  expiresAt: Date | null;
}

export interface ExportFileRow {
  seq: number;
  type: string;
  name: string;
  resources: number;
  bytes: number;
}

/**
 * One stored version as of the snapshot: its resource pk (the walk's cursor) and its JSON as UTF-8 bytes. Bytes, not
 * a string: a batch's text then lives outside V8's heap, and a batch alive while the next rows arrive is not copied
 * into the old generation as strings (BENCHMARKS.md, export memory); the unchecked path writes them as they are.
 */
export interface SnapshotRow {
  pk: number;
  content: Buffer;
}

/** An export_job row as mysql2 returns it (DATETIME columns as Date, the BIGINT counter possibly as a string). */
interface ExportJobRecord extends RowDataPacket {
  id: string;
  state: ExportState;
  request_url: string;
  spec: string;
  access: string | null;
  client_id: string;
  transaction_time: Date;
  created_at: Date;
  attempts: number | string;
  processed: number | string;
  error: string | null;
  finished_at: Date | null;
  expires_at: Date | null;
}

const toJob = (r: ExportJobRecord): ExportJobRow => ({
  id: r.id,
  state: r.state,
  requestUrl: r.request_url,
  spec: r.spec,
  access: r.access,
  clientId: r.client_id,
  transactionTime: r.transaction_time,
  createdAt: r.created_at,
  attempts: Number(r.attempts),
  processed: Number(r.processed),
  error: r.error,
  finishedAt: r.finished_at,
  expiresAt: r.expires_at,
});

export class ExportStore {
  private replicas?: ReadReplicas;

  constructor(private readonly pool: Pool) {}

  /** The snapshot's reads may go to a read replica (in a read session: ReadReplicas.readingFromNow). */
  readFrom(replicas: ReadReplicas): void {
    this.replicas = replicas;
  }

  private reading<T>(fn: (run: Run) => Promise<T>): Promise<T> {
    const primary = runOn(this.pool);
    return this.replicas ? this.replicas.read(fn, primary) : fn(primary);
  }

  /** Inserts a queued job unless `maxActive` jobs are queued or running already (then false). */
  async create(
    job: { id: string; requestUrl: string; spec: string; access: string | null; clientId: string; transactionTime: Date },
    maxActive: number,
  ): Promise<boolean> {
    // The count and the insert in one statement: two kick-offs at once cannot both take the last slot unnoticed
    // by more than the statement's own race, which the unique lock on the counted rows narrows to none in InnoDB.
    const [result] = await this.pool.query<ResultSetHeader>(
      `INSERT INTO export_job (id, state, request_url, spec, access, client_id, transaction_time, created_at)
       SELECT ?, 'queued', ?, ?, ?, ?, ?, NOW(3) FROM DUAL
       WHERE (SELECT COUNT(*) FROM export_job WHERE state IN ('queued', 'running')) < ?`,
      [job.id, job.requestUrl.slice(0, 2048), job.spec, job.access, job.clientId.slice(0, 255), job.transactionTime, maxActive],
    );
    return result.affectedRows === 1;
  }

  async get(id: string): Promise<ExportJobRow | undefined> {
    const [rows] = await this.pool.query<ExportJobRecord[]>(`SELECT * FROM export_job WHERE id = ?`, [id]);
    return rows[0] ? toJob(rows[0]) : undefined;
  }

  async files(id: string): Promise<ExportFileRow[]> {
    const [rows] = await this.pool.query<RowDataPacket[]>(
      `SELECT seq, res_type, name, resources, bytes FROM export_file WHERE job_id = ? ORDER BY seq`,
      [id],
    );
    return rows.map((r) => ({
      seq: Number(r.seq),
      type: String(r.res_type),
      name: String(r.name),
      resources: Number(r.resources),
      bytes: Number(r.bytes),
    }));
  }

  /** Jobs a node may take: queued, or running under a lease that ran out (its node stopped or crashed). */
  async claimable(): Promise<string[]> {
    const [rows] = await this.pool.query<RowDataPacket[]>(
      `SELECT id FROM export_job WHERE state = 'queued' OR (state = 'running' AND lease_until < NOW(3)) ORDER BY created_at`,
    );
    return rows.map((r) => String(r.id));
  }

  /** Takes the job for `owner` for `leaseSeconds`; false when another node holds it or it has ended. */
  async claim(id: string, owner: string, leaseSeconds: number): Promise<boolean> {
    const [result] = await this.pool.query<ResultSetHeader>(
      `UPDATE export_job SET state = 'running', lease_owner = ?, lease_until = NOW(3) + INTERVAL ? SECOND, attempts = attempts + 1
       WHERE id = ? AND (state = 'queued' OR (state = 'running' AND lease_until < NOW(3)))`,
      [owner, leaseSeconds, id],
    );
    return result.affectedRows === 1;
  }

  /** Renews the lease and records progress; false when the job is no longer this owner's (cancelled, taken over). */
  async renew(id: string, owner: string, leaseSeconds: number, processed: number): Promise<boolean> {
    const [result] = await this.pool.query<ResultSetHeader>(
      `UPDATE export_job SET lease_until = NOW(3) + INTERVAL ? SECOND, processed = ? WHERE id = ? AND lease_owner = ? AND state = 'running'`,
      [leaseSeconds, processed, id, owner],
    );
    return result.affectedRows === 1;
  }

  async addFile(id: string, owner: string, file: ExportFileRow): Promise<void> {
    await this.pool.query(
      `INSERT INTO export_file (job_id, seq, res_type, name, resources, bytes)
       SELECT ?, ?, ?, ?, ?, ? FROM export_job WHERE id = ? AND lease_owner = ? AND state = 'running'`,
      [id, file.seq, file.type, file.name, file.resources, file.bytes, id, owner],
    );
  }

  /** A resumed job starts over (its snapshot is the same): the files of the earlier attempt are forgotten. */
  async clearFiles(id: string): Promise<void> {
    await this.pool.query(`DELETE FROM export_file WHERE job_id = ?`, [id]);
  }

  async finish(id: string, owner: string, processed: number, retentionSeconds: number): Promise<boolean> {
    const [result] = await this.pool.query<ResultSetHeader>(
      `UPDATE export_job SET state = 'done', processed = ?, finished_at = NOW(3), expires_at = NOW(3) + INTERVAL ? SECOND, lease_owner = NULL, lease_until = NULL
       WHERE id = ? AND lease_owner = ? AND state = 'running'`,
      [processed, retentionSeconds, id, owner],
    );
    return result.affectedRows === 1;
  }

  async fail(id: string, error: string, retentionSeconds: number): Promise<void> {
    await this.pool.query(
      `UPDATE export_job SET state = 'failed', error = ?, finished_at = NOW(3), expires_at = NOW(3) + INTERVAL ? SECOND, lease_owner = NULL, lease_until = NULL
       WHERE id = ? AND state IN ('queued', 'running')`,
      [error.slice(0, 1024), retentionSeconds, id],
    );
  }

  /** Puts a running job back in the queue (its node is closing): the next node to look resumes it. */
  async release(id: string, owner: string): Promise<void> {
    await this.pool.query(
      `UPDATE export_job SET state = 'queued', lease_owner = NULL, lease_until = NULL WHERE id = ? AND lease_owner = ? AND state = 'running'`,
      [id, owner],
    );
  }

  /** Cancels a job (DELETE on its status URL); false when there is no such job. Its files go with it. */
  async cancel(id: string): Promise<boolean> {
    const [result] = await this.pool.query<ResultSetHeader>(
      `UPDATE export_job SET state = 'cancelled', finished_at = COALESCE(finished_at, NOW(3)), expires_at = NOW(3), lease_owner = NULL, lease_until = NULL
       WHERE id = ? AND state <> 'cancelled'`,
      [id],
    );
    await this.clearFiles(id);
    return result.affectedRows === 1;
  }

  /** Ended jobs whose files are due for deletion. */
  async expired(): Promise<string[]> {
    const [rows] = await this.pool.query<RowDataPacket[]>(
      `SELECT id FROM export_job WHERE expires_at IS NOT NULL AND expires_at < NOW(3) LIMIT 100`,
    );
    return rows.map((r) => String(r.id));
  }

  /** Forgets an expired job entirely (its files are already deleted): its status URL then answers 404. */
  async forget(id: string): Promise<void> {
    await this.pool.query(`DELETE FROM export_file WHERE job_id = ?`, [id]);
    await this.pool.query(`DELETE FROM export_job WHERE id = ? AND expires_at < NOW(3)`, [id]);
  }

  /** Types that hold at least one resource (an export without _type walks these). */
  async storedTypes(): Promise<string[]> {
    const rows = await this.reading((run) =>
      run<RowDataPacket[]>({ text: `SELECT DISTINCT res_type FROM resource ORDER BY res_type`, values: [] }),
    );
    return rows.map((r) => String(r.res_type));
  }

  /**
   * The next `limit` resources of `type` after pk `afterPk`, each in the version current at `asOf` (none when it
   * was created after, or deleted by then), written after `since` when given. One query per batch on a pooled
   * connection returned at once: the walk holds no connection between batches.
   */
  async snapshotBatch(
    type: string,
    asOf: Date,
    since: Date | undefined,
    afterPk: number,
    limit: number,
  ): Promise<{ rows: SnapshotRow[]; lastPk: number }> {
    // The resources scanned come back with NULL content when they have no version to export, so that the cursor
    // moves past them too.
    const rows = await this.reading((run) =>
      run<RowDataPacket[]>({
        text: `SELECT r.pk, IF(h.deleted = 0 ${since ? 'AND h.last_updated > ?' : ''}, CAST(h.content AS BINARY), NULL) AS content
       FROM resource r
       LEFT JOIN resource_history h ON h.resource_pk = r.pk AND h.version_id = IF(r.last_updated <= ?, r.version_id,
         (SELECT MAX(h2.version_id) FROM resource_history h2 WHERE h2.resource_pk = r.pk AND h2.last_updated <= ?))
       WHERE r.res_type = ? AND r.pk > ? ORDER BY r.pk LIMIT ?`,
        values: [...(since ? [since] : []), asOf, asOf, type, afterPk, limit],
      }),
    );
    const out: SnapshotRow[] = [];
    for (const r of rows) if (r.content !== null) out.push({ pk: Number(r.pk), content: r.content as Buffer });
    return { rows: out, lastPk: rows.length > 0 ? Number(rows[rows.length - 1].pk) : -1 };
  }
}
