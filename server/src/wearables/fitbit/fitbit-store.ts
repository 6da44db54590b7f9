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
  /** The account id (OIDC sub) of the user who started the flow; absent in AUTH_MODE=open. */
  startedBy?: string;
  createdAt: Date;
}

/** A completed consent waiting for the confirmation of the user who started it. */
export interface PendingLink {
  patientId: string;
  startedBy?: string;
  tokens: FitbitTokens;
  timeZone?: string;
  createdAt: Date;
}

/** How long a flow may take, from $connect-fitbit to the confirmation. */
export const FLOW_TTL_MINUTES = 10;
const ER_DUP_ENTRY = 1062;

/** A fitbit_oauth_state row as mysql2 returns it. */
interface OAuthStateRecord extends RowDataPacket {
  patient_id: string;
  code_verifier: string;
  time_zone: string | null;
  started_by: string | null;
  created_at: Date;
}

/** The columns fitbit_link and fitbit_link_pending share: the sealed tokens are VARBINARY (Buffer). */
interface TokenColumns extends RowDataPacket {
  patient_id: string;
  fitbit_user_id: string;
  access_token: Buffer;
  refresh_token: Buffer;
  access_expires_at: Date;
  scope: string;
  time_zone: string | null;
}

interface PendingLinkRecord extends TokenColumns {
  started_by: string | null;
  created_at: Date;
}

interface LinkRecord extends TokenColumns {
  blocked_until: Date | null;
}

interface FitbitUserIdRecord extends RowDataPacket {
  fitbit_user_id: string;
}

/** The Fitbit account is linked to another record already. */
export class FitbitAccountTaken extends Error {}

export class FitbitStore {
  constructor(
    private readonly pool: Pool,
    private readonly locks: NamedLocks,
    private readonly key: Buffer,
  ) {}

  async saveState(state: string, s: Omit<OAuthState, 'createdAt'>): Promise<void> {
    await this.deleteExpired();
    await this.pool.query(
      'INSERT INTO fitbit_oauth_state (state, patient_id, code_verifier, time_zone, started_by, created_at) VALUES (?, ?, ?, ?, ?, NOW(3))',
      [state, s.patientId, s.codeVerifier, s.timeZone ?? null, s.startedBy ?? null],
    );
  }

  /** Each state is good for one callback: whoever deletes it first gets it. */
  async takeState(state: string): Promise<OAuthState | undefined> {
    const [rows] = await this.pool.query<OAuthStateRecord[]>('SELECT * FROM fitbit_oauth_state WHERE state = ?', [state]);
    if (!rows[0]) return undefined;
    const [del] = await this.pool.query<ResultSetHeader>('DELETE FROM fitbit_oauth_state WHERE state = ?', [state]);
    if (del.affectedRows !== 1) return undefined;
    const r = rows[0];
    return {
      patientId: r.patient_id,
      codeVerifier: r.code_verifier,
      timeZone: r.time_zone ?? undefined,
      startedBy: r.started_by ?? undefined,
      createdAt: r.created_at,
    };
  }

  /** Flows never completed (or never confirmed) leave nothing behind. */
  async deleteExpired(): Promise<void> {
    for (const table of ['fitbit_oauth_state', 'fitbit_link_pending']) {
      await this.pool.query(`DELETE FROM ${table} WHERE created_at < NOW(3) - INTERVAL ? MINUTE`, [FLOW_TTL_MINUTES]);
    }
  }

  async savePending(confirmation: string, p: Omit<PendingLink, 'createdAt'>): Promise<void> {
    const t = p.tokens;
    await this.pool.query(
      `INSERT INTO fitbit_link_pending (confirmation, patient_id, started_by, fitbit_user_id, access_token, refresh_token, access_expires_at, scope, time_zone, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NOW(3))`,
      [
        confirmation,
        p.patientId,
        p.startedBy ?? null,
        t.fitbitUserId,
        this.seal(p.patientId, t.accessToken),
        this.seal(p.patientId, t.refreshToken),
        t.expiresAt,
        t.scope,
        p.timeZone ?? null,
      ],
    );
  }

  async pending(confirmation: string): Promise<PendingLink | undefined> {
    const [rows] = await this.pool.query<PendingLinkRecord[]>(
      `SELECT * FROM fitbit_link_pending WHERE confirmation = ? AND created_at >= NOW(3) - INTERVAL ? MINUTE`,
      [confirmation, FLOW_TTL_MINUTES],
    );
    const r = rows[0];
    if (!r) return undefined;
    return {
      patientId: r.patient_id,
      startedBy: r.started_by ?? undefined,
      timeZone: r.time_zone ?? undefined,
      createdAt: r.created_at,
      tokens: {
        fitbitUserId: r.fitbit_user_id,
        accessToken: openToken(this.key, r.patient_id, r.access_token),
        refreshToken: openToken(this.key, r.patient_id, r.refresh_token),
        expiresAt: r.access_expires_at,
        scope: r.scope,
      },
    };
  }

  /** Single use: true for the one caller that removed it. */
  async takePending(confirmation: string): Promise<boolean> {
    const [del] = await this.pool.query<ResultSetHeader>('DELETE FROM fitbit_link_pending WHERE confirmation = ?', [confirmation]);
    return del.affectedRows === 1;
  }

  /** Links the account; the Fitbit account id it replaces, if another; FitbitAccountTaken when another record has it. */
  async saveLink(patientId: string, t: FitbitTokens, timeZone: string | undefined): Promise<string | undefined> {
    const conn = await this.pool.getConnection();
    try {
      await conn.beginTransaction();
      const [rows] = await conn.query<FitbitUserIdRecord[]>('SELECT fitbit_user_id FROM fitbit_link WHERE patient_id = ? FOR UPDATE', [
        patientId,
      ]);
      const previous: string | undefined = rows[0]?.fitbit_user_id;
      const sealed = [this.seal(patientId, t.accessToken), this.seal(patientId, t.refreshToken), t.expiresAt, t.scope];
      // No ON DUPLICATE KEY: on the Fitbit account's unique key it would overwrite the other patient's row.
      if (previous === undefined) {
        await conn.query(
          `INSERT INTO fitbit_link (patient_id, fitbit_user_id, access_token, refresh_token, access_expires_at, scope, time_zone, created_at, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, NOW(3), NOW(3))`,
          [patientId, t.fitbitUserId, ...sealed, timeZone ?? null],
        );
      } else {
        await conn.query(
          `UPDATE fitbit_link SET fitbit_user_id = ?, access_token = ?, refresh_token = ?, access_expires_at = ?, scope = ?,
             time_zone = COALESCE(?, time_zone), blocked_until = NULL, updated_at = NOW(3) WHERE patient_id = ?`,
          [t.fitbitUserId, ...sealed, timeZone ?? null, patientId],
        );
      }
      // Another account's days are not this one's: its next sync starts afresh.
      if (previous !== undefined && previous !== t.fitbitUserId)
        await conn.query('DELETE FROM fitbit_sync_cursor WHERE patient_id = ?', [patientId]);
      await conn.commit();
      return previous !== t.fitbitUserId ? previous : undefined;
    } catch (err) {
      await conn.rollback().catch(() => undefined);
      if ((err as { errno?: number }).errno === ER_DUP_ENTRY) throw new FitbitAccountTaken();
      throw err;
    } finally {
      conn.release();
    }
  }

  /** Removes the link, its tokens and its cursors; the Fitbit account id it removed, undefined when none was linked. */
  async unlink(patientId: string): Promise<string | undefined> {
    const conn = await this.pool.getConnection();
    try {
      await conn.beginTransaction();
      const [rows] = await conn.query<FitbitUserIdRecord[]>('SELECT fitbit_user_id FROM fitbit_link WHERE patient_id = ? FOR UPDATE', [
        patientId,
      ]);
      await conn.query('DELETE FROM fitbit_link WHERE patient_id = ?', [patientId]);
      await conn.query('DELETE FROM fitbit_sync_cursor WHERE patient_id = ?', [patientId]);
      await conn.commit();
      return rows[0]?.fitbit_user_id;
    } catch (err) {
      await conn.rollback().catch(() => undefined);
      throw err;
    } finally {
      conn.release();
    }
  }

  async updateTokens(patientId: string, t: FitbitTokens): Promise<void> {
    await this.pool.query(
      'UPDATE fitbit_link SET access_token = ?, refresh_token = ?, access_expires_at = ?, scope = ?, updated_at = NOW(3) WHERE patient_id = ?',
      [this.seal(patientId, t.accessToken), this.seal(patientId, t.refreshToken), t.expiresAt, t.scope, patientId],
    );
  }

  async link(patientId: string): Promise<FitbitLink | undefined> {
    const [rows] = await this.pool.query<LinkRecord[]>('SELECT * FROM fitbit_link WHERE patient_id = ?', [patientId]);
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
