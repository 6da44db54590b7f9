// Builds the real app on a fresh MariaDB database per test file, for black-box tests through HTTP.
import { randomBytes } from 'node:crypto';
import mysql from 'mysql2/promise';
import request from 'supertest';
import { buildApp, type BuiltApp } from '../../server/src/app.js';
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

export async function startTestServer(overrides: Record<string, string> = {}): Promise<TestServer> {
  const database = `fibrotrack_test_${randomBytes(4).toString('hex')}`;
  const config = loadConfig({ DATABASE_URL: `${SERVER_ROOT}/${database}`, BASE_URL: 'http://localhost:8080', ...overrides });
  const built = await buildApp(config);
  const inspector = await mysql.createConnection(`${SERVER_ROOT}/${database}`);
  return {
    http: request(built.app),
    built,
    database,
    sql: async <T>(text: string, values: unknown[] = []) => (await inspector.query(text, values))[0] as T,
    async close() {
      await built.close();
      await inspector.query(`DROP DATABASE \`${database}\``);
      await inspector.end();
    },
  };
}

export const FHIR_JSON = 'application/fhir+json';
