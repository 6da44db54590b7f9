// Opens the MySQL/MariaDB pool for DATABASE_URL, creating the database when it does not exist yet.
import mysql from 'mysql2/promise';
import { limitAcquireWait } from './acquire-timeout.js';

/** How long to wait for a new connection (mysql2 connectTimeout) and for a free pooled one (0: no limit). */
export interface PoolLimits {
  connectTimeoutMs: number;
  acquireTimeoutMs: number;
}

export const DEFAULT_POOL_LIMITS: PoolLimits = { connectTimeoutMs: 1000, acquireTimeoutMs: 5000 };

export interface DatabaseTarget {
  connection: mysql.ConnectionOptions;
  database: string;
}

export function parseDatabaseUrl(url: string, connectTimeoutMs = DEFAULT_POOL_LIMITS.connectTimeoutMs): DatabaseTarget {
  const u = new URL(url);
  if (u.protocol !== 'mysql:' && u.protocol !== 'mariadb:') {
    throw new Error(`DATABASE_URL must start with mysql:// (got ${u.protocol}//)`);
  }
  const database = decodeURIComponent(u.pathname.replace(/^\//, ''));
  if (!/^[A-Za-z0-9_]+$/.test(database)) throw new Error(`DATABASE_URL names an invalid database '${database}'`);
  return {
    database,
    connection: {
      host: u.hostname,
      port: u.port ? Number(u.port) : 3306,
      user: decodeURIComponent(u.username) || 'root',
      password: decodeURIComponent(u.password),
      ssl: u.searchParams.get('ssl') === 'true' ? {} : undefined,
      // A database that is down or unreachable fails the request fast (503) rather than after mysql2's 10 s.
      connectTimeout: connectTimeoutMs,
    },
  };
}

export function poolOptions(url: string, connectionLimit: number, limits: PoolLimits = DEFAULT_POOL_LIMITS): mysql.PoolOptions {
  return { ...connectionOptions(url, limits), connectionLimit };
}

/** One connection to the database, set up as the pool's are. */
export function connectionOptions(url: string, limits: PoolLimits = DEFAULT_POOL_LIMITS): mysql.ConnectionOptions {
  const target = parseDatabaseUrl(url, limits.connectTimeoutMs);
  return {
    ...target.connection,
    database: target.database,
    timezone: 'Z',
    dateStrings: false,
    supportBigNumbers: true,
    bigNumberStrings: false,
    multipleStatements: false,
  };
}

export async function openPool(url: string, connectionLimit = 10, limits: PoolLimits = DEFAULT_POOL_LIMITS): Promise<mysql.Pool> {
  const target = parseDatabaseUrl(url, limits.connectTimeoutMs);
  const admin = await mysql.createConnection(target.connection);
  try {
    await admin.query(`CREATE DATABASE IF NOT EXISTS \`${target.database}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`);
  } finally {
    await admin.end();
  }
  return createPool(url, connectionLimit, limits);
}

/**
 * A pool on an existing database (openPool creates it first), set up as every pool of the server is: the
 * connect and acquire timeouts, READ COMMITTED. Connections open on first use.
 */
export function createPool(url: string, connectionLimit: number, limits: PoolLimits = DEFAULT_POOL_LIMITS): mysql.Pool {
  const pool = mysql.createPool(poolOptions(url, connectionLimit, limits));
  limitAcquireWait(pool, limits.acquireTimeoutMs);
  // Conditional writes re-search after taking a named lock; they must see what was committed meanwhile.
  pool.pool.on('connection', (conn) => conn.query('SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED'));
  return pool;
}

/** What the server allows a writer: the size of a resource row, and whether LOAD DATA LOCAL may be used. */
export interface WriteCapabilities {
  /** Half the server's max_allowed_packet: a resource row must fit one packet after client-side escaping. */
  maxResourceBytes: number;
  /**
   * @@local_infile: the server accepts rows sent with LOAD DATA LOCAL INFILE (MySQL 8 refuses by default). Read at
   * start; set to false by the first write the server refuses it for (local_infile turned off while running).
   */
  loadData: boolean;
}

export async function writeCapabilities(pool: mysql.Pool): Promise<WriteCapabilities> {
  const [rows] = await pool.query<mysql.RowDataPacket[]>('SELECT @@max_allowed_packet AS packet, @@local_infile AS local_infile');
  return { maxResourceBytes: Math.floor(Number(rows[0].packet) / 2) - 64 * 1024, loadData: Number(rows[0].local_infile) === 1 };
}
