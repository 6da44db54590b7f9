// Applies the versioned SQL migrations in ./migrations once each, in order, under a named lock.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Pool, PoolConnection, RowDataPacket } from 'mysql2/promise';
import { BACKFILLS } from './backfills.js';

const MIGRATIONS_DIR = join(dirname(fileURLToPath(import.meta.url)), 'migrations');

interface Migration {
  version: number;
  name: string;
  statements: string[];
}

function loadMigrations(): Migration[] {
  return readdirSync(MIGRATIONS_DIR)
    .filter((f) => /^\d+-.+\.sql$/.test(f))
    .sort()
    .map((file) => {
      const sql = readFileSync(join(MIGRATIONS_DIR, file), 'utf8')
        .split('\n')
        .filter((line) => !line.trim().startsWith('--'))
        .join('\n');
      return {
        version: Number(file.split('-')[0]),
        name: file,
        statements: sql
          .split(';')
          .map((s) => s.trim())
          .filter(Boolean),
      };
    });
}

/**
 * The one MariaDB-only name the migrations use, and MySQL 8's equivalent (docs/operations.md, "MariaDB and MySQL 8"):
 * the byte-for-byte NO PAD collation has MariaDB's name below and is utf8mb4_0900_bin (8.0.17+) on MySQL; this is
 * the one place it is translated (scripts/check-mysql8-sql.mjs).
 */
export function forMysql8(statement: string): string {
  return statement.replace(/\butf8mb4_nopad_bin\b/g, 'utf8mb4_0900_bin'); // mariadb-only: translated here
}

/** ALTER TABLE errors meaning a re-run after a crash finds the change already made (DDL commits implicitly). */
const ALREADY_DONE = new Set([1060 /* duplicate column */, 1061 /* duplicate key name */, 1091 /* cannot drop: gone */]);

async function run(conn: PoolConnection, statement: string): Promise<void> {
  try {
    await conn.query(statement);
  } catch (err) {
    if (!/^ALTER\s+TABLE/i.test(statement) || !ALREADY_DONE.has((err as { errno?: number }).errno ?? 0)) throw err;
  }
}

/** The migrations not yet applied to the pool's database (readiness: a node must not serve an older schema). */
export async function pendingMigrations(pool: Pool): Promise<string[]> {
  const [rows] = await pool.query<RowDataPacket[]>('SELECT version FROM schema_migrations');
  const done = new Set(rows.map((r) => Number(r.version)));
  // The files do not change while the server runs: read once, not at every readiness probe.
  shipped ??= loadMigrations().map(({ version, name }) => ({ version, name }));
  return shipped.filter((m) => !done.has(m.version)).map((m) => m.name);
}
let shipped: { version: number; name: string }[] | undefined;

/** Returns the names of the migrations it applied. `upTo` stops after that version (tests of old schemas). */
export async function migrate(pool: Pool, upTo = Infinity): Promise<string[]> {
  const conn = await pool.getConnection();
  try {
    // Named locks are server-wide: the name carries the database, so migrating one database never holds up another.
    const [lock] = await conn.query<RowDataPacket[]>("SELECT GET_LOCK(CONCAT('fibrotrack_migrate:', SHA1(DATABASE())), 60) AS got");
    if (lock[0].got !== 1) throw new Error('Could not take the migration lock within 60 s');
    await conn.query(
      `CREATE TABLE IF NOT EXISTS schema_migrations (
         version INT NOT NULL PRIMARY KEY, name VARCHAR(255) NOT NULL, applied_at DATETIME(3) NOT NULL
       ) ENGINE=InnoDB`,
    );
    const [engine] = await conn.query<RowDataPacket[]>('SELECT VERSION() AS v');
    const dialect = /mariadb/i.test(String(engine[0].v)) ? (s: string) => s : forMysql8;
    const [rows] = await conn.query<RowDataPacket[]>('SELECT version FROM schema_migrations');
    const done = new Set(rows.map((r) => Number(r.version)));
    const applied: string[] = [];
    for (const m of loadMigrations()) {
      if (done.has(m.version) || m.version > upTo) continue;
      // MySQL commits DDL implicitly, so migrations are written to be safe to re-run (IF NOT EXISTS) after a crash.
      for (const statement of m.statements) await run(conn, dialect(statement));
      await BACKFILLS[m.version]?.(conn);
      await conn.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, NOW(3))', [m.version, m.name]);
      applied.push(m.name);
    }
    return applied;
  } finally {
    await conn.query("SELECT RELEASE_LOCK(CONCAT('fibrotrack_migrate:', SHA1(DATABASE())))").catch(() => undefined);
    conn.release();
  }
}
