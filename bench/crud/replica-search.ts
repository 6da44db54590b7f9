// bench/crud --replica: a database-bound search (every pain score of 9 or more, counted: `_total=accurate`) at 10
// and 50 clients against a private MariaDB primary, then the same with one read replica of it (DATABASE_READ_URLS),
// both started for the run (tests/support/mariadb-replication.ts) and on the same machine as the server.
import { startReplication } from '../../tests/support/mariadb-replication.js';
import { startServer } from '../ingest/start-server.js';
import { load, type RequestSpec } from './load.js';
import { seed } from './seed.js';

const SEARCH: RequestSpec = { method: 'GET', path: '/fhir/Observation?code=http://loinc.org|72514-3&value-quantity=ge9&_total=accurate&_count=10' };
const BUFFER_POOL_MB = 256;

/** Markdown: the table of both runs. */
export async function replicaSearch(seconds: number, patients: number): Promise<string> {
  const repl = await startReplication({ bufferPoolMb: BUFFER_POOL_MB });
  const lines = [
    `\nDatabase-bound search, ${patients} patients x 10 Observations, primary and replica each with a ${BUFFER_POOL_MB} MiB buffer pool, ${seconds} s per run:\n`,
    '| database | clients | req/s | p50 ms | p99 ms | ratio to the primary alone |',
    '| --- | --- | --- | --- | --- | --- |',
  ];
  try {
    const databaseUrl = `${repl.primary.url}/fibrotrack_bench_replica`;
    const base: Record<string, string> = { DATABASE_URL: databaseUrl, AUTH_MODE: 'open', DB_POOL_SIZE: '20' };
    const seeding = await startServer(base);
    try {
      await seed(seeding.base, {}, patients, 10);
    } finally {
      await seeding.stop();
    }
    const [{ pos }] = await repl.primary.sql<{ pos: string }[]>('SELECT @@gtid_binlog_pos AS pos');
    await repl.replica.sql('SELECT MASTER_GTID_WAIT(?, 120)', [pos]);
    const alone = new Map<number, number>();
    for (const [label, env] of [['primary alone', base], ['primary + 1 replica', { ...base, DATABASE_READ_URLS: repl.replica.url }]] as const) {
      const server = await startServer(env);
      try {
        for (const clients of [10, 50]) {
          const r = await load(server.base.replace(/\/fhir$/, ''), clients, seconds, () => SEARCH);
          if (!alone.has(clients)) alone.set(clients, r.rps);
          lines.push(`| ${label} | ${clients} | ${r.rps.toFixed(0)} | ${r.p50} | ${r.p99} | ${(r.rps / alone.get(clients)!).toFixed(2)} |`);
          console.error(lines.at(-1));
        }
      } finally {
        await server.stop();
      }
    }
  } finally {
    await repl.stop();
  }
  return lines.join('\n');
}
