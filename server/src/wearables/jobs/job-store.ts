// Import jobs in MySQL (table wearable_import_job), so the status URL answers from any API node.
import type { Pool, RowDataPacket } from 'mysql2/promise';

export type JobState = 'running' | 'done' | 'failed';

export interface ImportJob {
  id: string;
  patientId: string;
  fileName: string;
  source: string;
  state: JobState;
  progress: string;
  /** HTTP status of the finished job's answer (200 with Parameters, 4xx/5xx with an OperationOutcome). */
  resultStatus?: number;
  result?: unknown;
  heartbeatAt: Date;
}

interface JobRow extends RowDataPacket {
  id: string;
  patient_id: string;
  file_name: string;
  source: string;
  state: JobState;
  progress: string;
  result_status: number | null;
  result: string | null;
  heartbeat_at: Date;
}

export class JobStore {
  constructor(private readonly pool: Pool) {}

  async create(job: Pick<ImportJob, 'id' | 'patientId' | 'fileName' | 'source'>): Promise<void> {
    await this.pool.query(
      `INSERT INTO wearable_import_job (id, patient_id, file_name, source, state, phase, progress, created_at, heartbeat_at)
       VALUES (?, ?, ?, ?, 'running', 'validating', 'queued', NOW(3), NOW(3))`,
      [job.id, job.patientId, job.fileName.slice(0, 255), job.source],
    );
  }

  async progress(id: string, phase: string, progress: string): Promise<void> {
    await this.pool.query(
      "UPDATE wearable_import_job SET phase = ?, progress = ?, heartbeat_at = NOW(3) WHERE id = ? AND state = 'running'",
      [phase, progress.slice(0, 255), id],
    );
  }

  async finish(id: string, state: Exclude<JobState, 'running'>, status: number, result: unknown): Promise<void> {
    await this.pool.query(
      'UPDATE wearable_import_job SET state = ?, result_status = ?, result = ?, finished_at = NOW(3), heartbeat_at = NOW(3) WHERE id = ?',
      [state, status, JSON.stringify(result), id],
    );
  }

  async get(id: string): Promise<ImportJob | undefined> {
    const [rows] = await this.pool.query<JobRow[]>('SELECT * FROM wearable_import_job WHERE id = ?', [id]);
    const r = rows[0];
    if (!r) return undefined;
    return {
      id: r.id,
      patientId: r.patient_id,
      fileName: r.file_name,
      source: r.source,
      state: r.state,
      progress: r.progress,
      resultStatus: r.result_status ?? undefined,
      result: r.result === null ? undefined : JSON.parse(r.result),
      heartbeatAt: r.heartbeat_at,
    };
  }
}
