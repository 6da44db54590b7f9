// bench/crud --replica: a database-bound search (every pain score of 9 or more, counted: `_total=accurate`) at 10
// and 50 clients against a private MariaDB primary, then the same with one read replica of it (DATABASE_READ_URLS),
// both started for the run (tests/support/mariadb-replication.ts) and on the same machine as the server. Both
// servers are up side by side and their runs taken in turn (`rounds`), medians reported.
import { startReplication } from '../../tests/support/mariadb-replication.js';
import { startServer } from '../ingest/start-server.js';
import { load, median, type LoadResult, type RequestSpec } from './load.js';
import { seed } from './seed.js';

const SEARCH: RequestSpec = {
  method: 'GET',
  path: '/fhir/Observation?code=http://loinc.org|72514-3&value-quantity=ge9&_total=accurate&_count=10',
};
const BUFFER_POOL_MB = 256;

/** Markdown: the table of both runs. */
export async function replicaSearch(seconds: number, patients: number, rounds = 3): Promise<string> {
  const repl = await startReplication({ bufferPoolMb: BUFFER_POOL_MB });
  const lines = [
    `\nDatabase-bound search, ${patients} patients x 10 Observations, primary and replica each with a ${BUFFER_POOL_MB} MiB buffer pool, in turn, ${rounds} rounds of ${seconds} s, medians:\n`,
    '| database | clients | req/s | p50 ms | p99 ms | ratio to the primary alone |',
    '| --- | --- | --- | --- | --- | --- |',
  ];
  try {
    const databaseUrl = `${repl.primary.url}/fibrotrack_bench_replica`;
    const base: Record<string, string> = {
      DATABASE_URL: databaseUrl,
      AUTH_MODE: 'open',
      DB_POOL_SIZE: '20',
      DB_CONNECT_TIMEOUT_MS: '10000',
      DB_POOL_ACQUIRE_TIMEOUT_MS: '30000',
    };
    const seeding = await startServer(base);
    try {
      await seed(seeding.base, {}, patients, 10);
    } finally {
      await seeding.stop();
    }
    const [{ pos }] = await repl.primary.sql<{ pos: string }[]>('SELECT @@gtid_binlog_pos AS pos');
    await repl.replica.sql('SELECT MASTER_GTID_WAIT(?, 120)', [pos]);
    const servers = [
      { label: 'primary alone', server: await startServer(base) },
      { label: 'primary + 1 replica', server: await startServer({ ...base, DATABASE_READ_URLS: repl.replica.url }) },
    ];
    try {
      const runs = new Map<string, LoadResult[]>();
      for (let round = 0; round < rounds; round++) {
        for (const clients of [10, 50]) {
          for (const { label, server } of servers) {
            const r = await load(server.base.replace(/\/fhir$/, ''), clients, seconds, () => SEARCH);
            runs.set(`${label}|${clients}`, [...(runs.get(`${label}|${clients}`) ?? []), r]);
            console.error(`round ${round + 1} ${label} @${clients}: ${r.rps.toFixed(0)} req/s, ${r.failed} failed`);
          }
        }
      }
      for (const clients of [10, 50]) {
        const alone = median(runs.get(`primary alone|${clients}`)!.map((r) => r.rps));
        for (const { label } of servers) {
          const rs = runs.get(`${label}|${clients}`)!;
          const rps = median(rs.map((r) => r.rps));
          lines.push(
            `| ${label} | ${clients} | ${rps.toFixed(0)} | ${median(rs.map((r) => r.p50))} | ${median(rs.map((r) => r.p99))} | ${(rps / alone).toFixed(2)} |`,
          );
        }
      }
    } finally {
      for (const { server } of servers) await server.stop();
    }
  } finally {
    await repl.stop();
  }
  return lines.join('\n');
}
