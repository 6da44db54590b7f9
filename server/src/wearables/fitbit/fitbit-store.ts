// Fitbit sync state in MySQL: links (encrypted tokens), OAuth states in flight, per-type cursors and the
// hourly request budget, shared by every API node.
import type { Pool, ResultSetHeader, RowDataPacket } from 'mysql2/promise';
import type { NamedLocks, Release } from '../../store/mysql/named-locks.js';
import { openToken, sealToken } from './token-crypto.js';

export interface FitbitTokens {
  accessToken: string;
  refreshToken: string;
  expiresAt: Date;
  scope: string;
  fitbitUserId: string;
}

export interface FitbitLink extends FitbitTokens {
  patientId: string;
  timeZone?: string;
  blockedUntil?: Date;
}

export interface OAuthState {
  patientId: string;
  codeVerifier: string;
  timeZone?: string;
  createdAt: Date;
}

export class FitbitStore {
  constructor(
    private readonly pool: Pool,
    private readonly locks: NamedLocks,
    private readonly key: Buffer,
  ) {}

  async saveState(state: string, s: Omit<OAuthState, 'createdAt'>): Promise<void> {
    await this.pool.query(
      'INSERT INTO fitbit_oauth_state (state, patient_id, code_verifier, time_zone, created_at) VALUES (?, ?, ?, ?, NOW(3))',
      [state, s.patientId, s.codeVerifier, s.timeZone ?? null],
    );
  }

  /** Each state is good for one callback: whoever deletes it first gets it. */
  async takeState(state: string): Promise<OAuthState | undefined> {
    const [rows] = await this.pool.query<RowDataPacket[]>('SELECT * FROM fitbit_oauth_state WHERE state = ?', [state]);
    if (!rows[0]) return undefined;
    const [del] = await this.pool.query<ResultSetHeader>('DELETE FROM fitbit_oauth_state WHERE state = ?', [state]);
    if (del.affectedRows !== 1) return undefined;
    const r = rows[0];
    return { patientId: r.patient_id, codeVerifier: r.code_verifier, timeZone: r.time_zone ?? undefined, createdAt: r.created_at };
  }

  async saveLink(patientId: string, t: FitbitTokens, timeZone: string | undefined): Promise<void> {
    await this.pool.query(
      `INSERT INTO fitbit_link (patient_id, fitbit_user_id, access_token, refresh_token, access_expires_at, scope, time_zone, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, NOW(3), NOW(3))
       ON DUPLICATE KEY UPDATE fitbit_user_id = VALUES(fitbit_user_id), access_token = VALUES(access_token),
         refresh_token = VALUES(refresh_token), access_expires_at = VALUES(access_expires_at), scope = VALUES(scope),
         time_zone = COALESCE(VALUES(time_zone), time_zone), blocked_until = NULL, updated_at = NOW(3)`,
      [patientId, t.fitbitUserId, this.seal(patientId, t.accessToken), this.seal(patientId, t.refreshToken), t.expiresAt, t.scope, timeZone ?? null],
    );
  }

  async updateTokens(patientId: string, t: FitbitTokens): Promise<void> {
    await this.pool.query(
      'UPDATE fitbit_link SET access_token = ?, refresh_token = ?, access_expires_at = ?, scope = ?, updated_at = NOW(3) WHERE patient_id = ?',
      [this.seal(patientId, t.accessToken), this.seal(patientId, t.refreshToken), t.expiresAt, t.scope, patientId],
    );
  }

  async link(patientId: string): Promise<FitbitLink | undefined> {
    const [rows] = await this.pool.query<RowDataPacket[]>('SELECT * FROM fitbit_link WHERE patient_id = ?', [patientId]);
    const r = rows[0];
    if (!r) return undefined;
    return {
      patientId,
      fitbitUserId: r.fitbit_user_id,
      accessToken: openToken(this.key, patientId, r.access_token),
      refreshToken: openToken(this.key, patientId, r.refresh_token),
      expiresAt: r.access_expires_at,
      scope: r.scope,
      timeZone: r.time_zone ?? undefined,
      blockedUntil: r.blocked_until ?? undefined,
    };
  }

  async setTimeZone(patientId: string, timeZone: string): Promise<void> {
    await this.pool.query('UPDATE fitbit_link SET time_zone = ? WHERE patient_id = ?', [timeZone, patientId]);
  }

  /**
   * Takes one request from the patient's budget for the current clock hour (Fitbit's window resets on the
   * hour); false when it is spent. One UPDATE, so concurrent nodes cannot overspend.
   */
  async takeRequest(patientId: string, perHour: number): Promise<boolean> {
    const [res] = await this.pool.query<ResultSetHeader>(
      `UPDATE fitbit_link SET
         window_requests = IF(window_start <=> DATE_FORMAT(UTC_TIMESTAMP(), '%Y-%m-%d %H:00:00'), window_requests + 1, 1),
         window_start = DATE_FORMAT(UTC_TIMESTAMP(), '%Y-%m-%d %H:00:00')
       WHERE patient_id = ? AND (NOT (window_start <=> DATE_FORMAT(UTC_TIMESTAMP(), '%Y-%m-%d %H:00:00')) OR window_requests < ?)`,
      [patientId, perHour],
    );
    return res.affectedRows === 1;
  }

  /** Fitbit said the budget is spent (remaining 0) before we counted it so. */
  async spendWindow(patientId: string, perHour: number): Promise<void> {
    await this.pool.query(
      "UPDATE fitbit_link SET window_requests = ?, window_start = DATE_FORMAT(UTC_TIMESTAMP(), '%Y-%m-%d %H:00:00') WHERE patient_id = ?",
      [perHour, patientId],
    );
  }

  async block(patientId: string, until: Date): Promise<void> {
    await this.pool.query('UPDATE fitbit_link SET blocked_until = ? WHERE patient_id = ?', [until, patientId]);
  }

  async cursors(patientId: string): Promise<Map<string, string>> {
    const [rows] = await this.pool.query<RowDataPacket[]>(
      "SELECT data_type, DATE_FORMAT(last_day, '%Y-%m-%d') AS last_day FROM fitbit_sync_cursor WHERE patient_id = ?",
      [patientId],
    );
    return new Map(rows.map((r) => [r.data_type as string, r.last_day as string]));
  }

  async advance(patientId: string, dataType: string, lastDay: string): Promise<void> {
    await this.pool.query(
      `INSERT INTO fitbit_sync_cursor (patient_id, data_type, last_day, synced_at) VALUES (?, ?, ?, NOW(3))
       ON DUPLICATE KEY UPDATE last_day = GREATEST(last_day, VALUES(last_day)), synced_at = NOW(3)`,
      [patientId, dataType, lastDay],
    );
  }

  /**
   * Serialises syncs of one patient across nodes; undefined when one is running. On the lock session, not a pooled
   * connection: the sync needs the pool for its own writes.
   */
  lockSync(patientId: string): Promise<Release | undefined> {
    return this.locks.tryAcquire(`fitbit-sync:Patient/${patientId}`);
  }

  private seal(patientId: string, token: string): Buffer {
    return sealToken(this.key, patientId, token);
  }
}
