// Builds the real app on a fresh MariaDB database per test file, for black-box tests through HTTP.
import { randomBytes } from 'node:crypto';
import mysql from 'mysql2/promise';
import request from 'supertest';
import { buildApp, type BuildOptions, type BuiltApp } from '../../server/src/app.js';
import { loadConfig } from '../../server/src/config.js';

const SERVER_ROOT = process.env.TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306';

export interface TestServer {
  http: ReturnType<typeof request>;
  built: BuiltApp;
  database: string;
  /** Runs SQL against the test database (to check what was really stored). */
  sql<T = mysql.RowDataPacket[]>(text: string, values?: unknown[]): Promise<T>;
  close(): Promise<void>;
}

/**
 * AUTH_MODE defaults to open (no tokens); pass `{ AUTH_MODE: 'smart' }` for the authorization server at /auth
 * (tests/support/smart-tokens.ts gets real tokens from it). Redis keys get a prefix unique to this server,
 * deleted on close.
 */
export async function startTestServer(overrides: Record<string, string> = {}, build: BuildOptions = {}): Promise<TestServer> {
  const suffix = randomBytes(4).toString('hex');
  const database = `fibrotrack_test_${suffix}`;
  const config = loadConfig({
    DATABASE_URL: `${SERVER_ROOT}/${database}`,
    BASE_URL: 'http://localhost:8080',
    AUTH_MODE: 'open',
    REDIS_PREFIX: `fibrotrack_test_${suffix}:`,
    // The suite runs files side by side on a shared MariaDB: a new connection may wait longer than the 1 s default.
    DB_CONNECT_TIMEOUT_MS: '10000',
    ...overrides,
  });
  const built = await buildApp(config, build);
  // A test may close the app itself (to check what shutdown leaves behind): close() then closes it only once.
  const closeApp = built.close;
  let appClosed: Promise<void> | undefined;
  built.close = () => (appClosed ??= closeApp());
  const inspector = await mysql.createConnection(`${SERVER_ROOT}/${database}`);
  return {
    http: request(built.app),
    built,
    database,
    sql: async <T>(text: string, values: unknown[] = []) => (await inspector.query(text, values))[0] as T,
    async close() {
      if (built.redis) await deleteKeys(built.redis, config.redisPrefix);
      await built.close();
      await inspector.query(`DROP DATABASE \`${database}\``);
      await inspector.end();
    },
  };
}

export const FHIR_JSON = 'application/fhir+json';

/** Creates `body` through the REST API (expecting 201) and returns its id. */
export async function createResource(s: TestServer, body: Record<string, unknown>): Promise<string> {
  const res = await s.http
    .post(`/fhir/${String(body.resourceType)}`)
    .set('Content-Type', FHIR_JSON)
    .send(JSON.stringify(body));
  if (res.status !== 201) throw new Error(`POST ${String(body.resourceType)}: ${res.status} ${res.text}`);
  return (res.body as { id: string }).id;
}

async function deleteKeys(redis: NonNullable<BuiltApp['redis']>, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
    if (keys.length) await redis.del(...keys);
    cursor = next;
  } while (cursor !== '0');
}
