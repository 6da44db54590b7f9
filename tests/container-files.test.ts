// What can be checked of the container files without a Docker engine (docs/operations.md, "Containers"): the
// Dockerfile's build steps are the documented ones, its image runs as a non-root user from dist/ with production
// dependencies only; compose.yaml parses, names the four services and gives the server only variables it reads,
// which load into a valid configuration pointing at those services. And the MySQL 8 SQL check (.ci/run) finds
// MariaDB-only syntax, accepts a line marked `mariadb-only:`, and passes on the sources.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { test } from 'node:test';
import { parse } from 'yaml';
import { loadConfig } from '../server/src/config.js';
import { forMysql8 } from '../server/src/store/mysql/migrate.js';

const ROOT = join(import.meta.dirname, '..');
const read = (file: string) => readFileSync(join(ROOT, file), 'utf8');
const run = promisify(execFile);

/** Dockerfile instructions, continuation lines joined, comments dropped. */
function instructions(): { op: string; args: string }[] {
  return read('Dockerfile')
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => ({ op: l.split(/\s+/)[0].toUpperCase(), args: l.slice(l.indexOf(' ') + 1).trim() }));
}

/** The lines of the fenced block that follows `marker` in the page. */
function codeBlockAfter(page: string, marker: string): string[] {
  const at = page.indexOf(marker);
  assert.ok(at >= 0, `docs/operations.md says "${marker}"`);
  const block = /```sh\n([\s\S]*?)```/.exec(page.slice(at));
  assert.ok(block, `a sh code block follows "${marker}"`);
  return block[1].trim().split('\n');
}

test('the Dockerfile builds in two stages, runs dist/ as a non-root user, and its steps are the documented ones', () => {
  const steps = instructions();
  const froms = steps.filter((s) => s.op === 'FROM');
  assert.equal(froms.length, 2, 'multi-stage: build, then runtime');
  const runtime = steps.slice(steps.indexOf(froms[1]));
  const user = runtime.find((s) => s.op === 'USER');
  assert.ok(user && !['root', '0'].includes(user.args), 'the runtime stage runs as a non-root user');
  assert.ok(
    runtime.some((s) => s.op === 'RUN' && s.args.includes('npm ci --omit=dev')),
    'the runtime stage installs production dependencies only',
  );
  assert.ok(
    runtime.some((s) => s.op === 'COPY' && s.args.startsWith('--from=') && s.args.includes('/app/dist')),
    'the runtime stage copies the compiled dist/',
  );
  const cmd = JSON.parse(runtime.find((s) => s.op === 'CMD')!.args) as string[];
  assert.ok(
    cmd.some((a) => a.startsWith('dist/')),
    'the image runs dist/',
  );
  const documented = codeBlockAfter(read('docs/operations.md'), 'Its build steps, in order');
  assert.deepEqual([...steps.filter((s) => s.op === 'RUN').map((s) => s.args), cmd.join(' ')], documented);
});

test('compose.yaml parses, names the server, MySQL 8.4, Redis 7 and Azurite, and gives the server only variables it reads', () => {
  const compose = parse(read('compose.yaml')) as {
    services: Record<
      string,
      { image?: string; build?: unknown; environment?: Record<string, string>; depends_on?: Record<string, unknown> }
    >;
  };
  assert.deepEqual(Object.keys(compose.services).sort(), ['azurite', 'mysql', 'redis', 'server']);
  assert.match(compose.services.mysql.image!, /^mysql:8\.4/);
  assert.match(compose.services.redis.image!, /^redis:7/);
  assert.match(compose.services.azurite.image!, /azure-storage\/azurite/);
  const server = compose.services.server;
  assert.equal(server.build, '.');
  assert.deepEqual(Object.keys(server.depends_on!).sort(), ['azurite', 'mysql', 'redis']);
  const documented = new Set([...read('docs/configuration.md').matchAll(/^\| `([A-Z_]+)` \|/gm)].map((m) => m[1]));
  for (const name of Object.keys(server.environment!)) assert.ok(documented.has(name), `${name} is a documented server variable`);
  // Compose's interpolation: ${VAR:-default} takes the default, ${VAR:?message} a value the operator must give.
  const env = Object.fromEntries(
    Object.entries(server.environment!).map(([k, v]) => [
      k,
      v.replace(/\$\{\w+:-([^}]*)\}/g, '$1').replace(/\$\{\w+:\?[^}]*\}/g, 'secret'),
    ]),
  );
  assert.equal(env.NODE_ENV, 'production');
  const config = loadConfig(env);
  assert.equal(config.authMode, 'smart');
  assert.equal(new URL(config.databaseUrl).host, 'mysql:3306');
  assert.equal(new URL(config.redisUrl).host, 'redis:6379');
  assert.match(config.blobConnectionString!, /BlobEndpoint=http:\/\/azurite:10000\//);
});

test('the MySQL 8 check names MariaDB-only SQL, accepts a marked line, and passes on the sources', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'fibrotrack-sqlcheck-'));
  try {
    const bad = join(dir, 'bad.ts');
    writeFileSync(bad, "const a = sql`INSERT INTO t (x) VALUES (?) RETURNING pk`;\nconst b = 'CREATE SEQUENCE s';\n");
    const failed = await run(process.execPath, ['scripts/check-mysql8-sql.mjs', bad], { cwd: ROOT }).then(
      () => assert.fail('the check passed MariaDB-only SQL'),
      (err: { code: number; stderr: string }) => err,
    );
    assert.equal(failed.code, 1);
    assert.match(failed.stderr, /bad\.ts:1: INSERT\/DELETE \.\.\. RETURNING: MySQL has none/);
    assert.match(failed.stderr, /bad\.ts:2: sequences: MariaDB only/);
    const marked = join(dir, 'marked.ts');
    writeFileSync(marked, "const wait = 'SELECT MASTER_GTID_WAIT(?, ?)'; // mariadb-only: MySQL gets WAIT_FOR_EXECUTED_GTID_SET\n");
    await run(process.execPath, ['scripts/check-mysql8-sql.mjs', marked], { cwd: ROOT });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const clean = await run(process.execPath, ['scripts/check-mysql8-sql.mjs'], { cwd: ROOT });
  assert.match(clean.stdout, /no MariaDB-only SQL/);
});

test('migrations name the MariaDB NO PAD collation; on MySQL 8 it becomes utf8mb4_0900_bin', () => {
  const statement = 'ALTER TABLE auth_user MODIFY username VARCHAR(191) CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin NOT NULL';
  assert.equal(
    forMysql8(statement),
    'ALTER TABLE auth_user MODIFY username VARCHAR(191) CHARACTER SET utf8mb4 COLLATE utf8mb4_0900_bin NOT NULL',
  );
  assert.match(read('server/src/store/mysql/migrations/021-username-binary.sql'), /utf8mb4_nopad_bin/);
});
