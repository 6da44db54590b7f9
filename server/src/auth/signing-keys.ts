// Signing keys (RS256 for id_tokens) and cookie keys, persisted in MySQL so they survive restarts and are
// shared by every node. Rotation: a new key starts signing, the old one stays published until retired.
import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import type { JsonWebKey } from 'node:crypto';
import type { Pool, PoolConnection, ResultSetHeader, RowDataPacket } from 'mysql2/promise';

export type KeyStatus = 'current' | 'previous' | 'retired';

export interface KeyInfo {
  kid: string;
  use: 'sig' | 'cookie';
  status: KeyStatus;
  createdAt: Date;
  retiredAt?: Date;
}

/** auth_key columns: private_jwk is the key's JSON. */
interface PrivateJwkRecord extends RowDataPacket {
  private_jwk: string;
}

interface KeyRecord extends RowDataPacket {
  kid: string;
  key_use: 'sig' | 'cookie';
  status: KeyStatus;
  created_at: Date;
  retired_at: Date | null;
}

export interface PrivateJwk extends JsonWebKey {
  kid: string;
  alg: string;
  use: string;
}

const LOCK = 'fibrotrack_auth_keys';

export class SigningKeyStore {
  constructor(private readonly pool: Pool) {}

  /** Creates the first signing key and cookie key when none exist (safe when several nodes start at once). */
  async ensure(): Promise<void> {
    await this.locked(async (conn) => {
      for (const use of ['sig', 'cookie'] as const) {
        const [rows] = await conn.query<RowDataPacket[]>("SELECT kid FROM auth_key WHERE key_use = ? AND status = 'current'", [use]);
        if (rows.length === 0) await insertKey(conn, use);
      }
    });
  }

  /** Private JWKs for oidc-provider: the current key first (it signs), then the previous ones (verify only). */
  async publishedJwks(): Promise<PrivateJwk[]> {
    const [rows] = await this.pool.query<PrivateJwkRecord[]>(
      "SELECT private_jwk FROM auth_key WHERE key_use = 'sig' AND status IN ('current', 'previous') ORDER BY status = 'current' DESC, created_at DESC",
    );
    return rows.map((r) => JSON.parse(r.private_jwk) as PrivateJwk);
  }

  /** Cookie signing keys, newest first (oidc-provider signs with the first, accepts all). */
  async cookieKeys(): Promise<string[]> {
    const [rows] = await this.pool.query<PrivateJwkRecord[]>(
      "SELECT private_jwk FROM auth_key WHERE key_use = 'cookie' AND status IN ('current', 'previous') ORDER BY status = 'current' DESC, created_at DESC",
    );
    return rows.map((r) => (JSON.parse(r.private_jwk) as { k: string }).k);
  }

  /** What the published key set is (kids and statuses of current and previous keys): changes on rotate and retire. */
  async fingerprint(): Promise<string> {
    const [rows] = await this.pool.query<RowDataPacket[]>(
      "SELECT kid, key_use, status FROM auth_key WHERE status IN ('current', 'previous') ORDER BY key_use, kid",
    );
    return rows.map((r) => `${r.key_use}:${r.kid}:${r.status}`).join(' ');
  }

  async list(): Promise<KeyInfo[]> {
    const [rows] = await this.pool.query<KeyRecord[]>(
      'SELECT kid, key_use, status, created_at, retired_at FROM auth_key ORDER BY key_use, created_at DESC',
    );
    return rows.map((r) => ({
      kid: r.kid,
      use: r.key_use,
      status: r.status,
      createdAt: r.created_at,
      ...(r.retired_at ? { retiredAt: r.retired_at } : {}),
    }));
  }

  /** A new key becomes current; the current one becomes previous (still published). Returns the new kid. */
  async rotate(use: 'sig' | 'cookie' = 'sig'): Promise<string> {
    return this.locked(async (conn) => {
      await conn.query("UPDATE auth_key SET status = 'previous' WHERE key_use = ? AND status = 'current'", [use]);
      return insertKey(conn, use);
    });
  }

  /** Stops publishing a previous key. The current key cannot be retired (rotate first). */
  async retire(kid: string): Promise<void> {
    const [result] = await this.pool.query<ResultSetHeader>(
      "UPDATE auth_key SET status = 'retired', retired_at = NOW(3) WHERE kid = ? AND status = 'previous'",
      [kid],
    );
    if (result.affectedRows === 0) {
      const [rows] = await this.pool.query<RowDataPacket[]>('SELECT status FROM auth_key WHERE kid = ?', [kid]);
      if (rows.length === 0) throw new Error(`no key with kid '${kid}'`);
      throw new Error(`key '${kid}' is ${rows[0].status}; only a previous key can be retired (rotate first)`);
    }
  }

  private async locked<T>(work: (conn: PoolConnection) => Promise<T>): Promise<T> {
    const conn = await this.pool.getConnection();
    try {
      const [lock] = await conn.query<RowDataPacket[]>('SELECT GET_LOCK(?, 30) AS got', [LOCK]);
      if (lock[0].got !== 1) throw new Error('could not take the key lock within 30 s');
      return await work(conn);
    } finally {
      await conn.query('SELECT RELEASE_LOCK(?)', [LOCK]).catch(() => undefined);
      conn.release();
    }
  }
}

async function insertKey(conn: PoolConnection, use: 'sig' | 'cookie'): Promise<string> {
  const kid = randomUUID();
  const jwk =
    use === 'sig'
      ? { ...generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' }
      : { kty: 'oct', kid, k: randomBytes(32).toString('base64url') };
  await conn.query("INSERT INTO auth_key (kid, key_use, status, private_jwk, created_at) VALUES (?, ?, 'current', ?, NOW(3))", [
    kid,
    use,
    JSON.stringify(jwk),
  ]);
  return kid;
}
