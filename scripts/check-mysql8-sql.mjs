// CI check: the SQL we send must run on MySQL 8 (production: Azure Database for MySQL) as well as on MariaDB (here).
// Greps the migrations and every SQL-building module under server/src for syntax only MariaDB accepts; each rule
// names what to write instead (docs/operations.md, "MariaDB and MySQL 8"). A line that must keep such syntax because
// the code picks per engine carries `mariadb-only:` and the reason in a comment on that line.
// Usage: node scripts/check-mysql8-sql.mjs [files...]   (exit 1 and one line per finding when any)
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const MIGRATIONS = 'server/src/store/mysql/migrations';

/** [pattern, what MySQL 8 lacks and what to use, where it is allowed (a path prefix)] */
export const RULES = [
  [/\bRETURNING\b/, 'INSERT/DELETE ... RETURNING: MySQL has none; read LAST_INSERT_ID() or select before deleting'],
  [
    /\bCREATE\s+OR\s+REPLACE\s+(TABLE|INDEX|DATABASE|SEQUENCE|USER|TRIGGER|PROCEDURE|FUNCTION)\b/i,
    'CREATE OR REPLACE (MySQL: views only); DROP ... IF EXISTS then CREATE',
  ],
  [
    /\bADD\s+(COLUMN\s+|INDEX\s+|KEY\s+|UNIQUE\s+(INDEX\s+|KEY\s+)?|CONSTRAINT\s+)?IF\s+NOT\s+EXISTS\b/i,
    'ALTER TABLE ... ADD ... IF NOT EXISTS: MariaDB only; plain ADD (migrate.ts accepts "duplicate column/key" on a re-run)',
  ],
  [
    /\bDROP\s+(COLUMN|INDEX|KEY|FOREIGN\s+KEY|CONSTRAINT)\s+IF\s+EXISTS\b/i,
    'ALTER TABLE ... DROP ... IF EXISTS: MariaDB only; plain DROP (migrate.ts accepts "cannot drop" on a re-run)',
  ],
  [/\b(MODIFY|CHANGE)\s+(COLUMN\s+)?IF\s+EXISTS\b/i, 'MODIFY/CHANGE ... IF EXISTS: MariaDB only'],
  [
    /\bCREATE\s+(UNIQUE\s+)?INDEX\s+IF\s+NOT\s+EXISTS\b/i,
    'CREATE INDEX IF NOT EXISTS: MariaDB only; put the index in CREATE TABLE or ALTER TABLE ADD INDEX',
  ],
  [
    /\bCREATE\s+SEQUENCE\b|\bNEXTVAL\s*\(|\bNEXT\s+VALUE\s+FOR\b|\bLASTVAL\s*\(|\bSETVAL\s*\(/i,
    'sequences: MariaDB only; a counter row (pk_sequence) or AUTO_INCREMENT',
  ],
  [/\bseq_\d+_to_\d+\b/i, 'the SEQUENCE engine (seq_1_to_n): MariaDB only; a recursive CTE'],
  [
    /\butf8mb4_nopad_bin\b/i,
    'utf8mb4_nopad_bin: MariaDB only (MySQL 8: utf8mb4_0900_bin); migrations are translated by forMysql8 in migrate.ts, code must not name it',
    MIGRATIONS,
  ],
  [/\b\w+_uca1400_\w+\b/i, 'uca1400 collations: MariaDB 10.10+ only; utf8mb4_bin'],
  [
    /\bJSON_(DETAILED|LOOSE|COMPACT|EXISTS|QUERY|NORMALIZE|EQUALS|ARRAY_INTERSECT|OBJECT_FILTER_KEYS|OBJECT_TO_ARRAY)\s*\(/i,
    'a MariaDB-only JSON function',
  ],
  [/\bCOLUMN_(CREATE|GET|ADD|DELETE|JSON|LIST|CHECK|EXISTS)\s*\(/i, 'dynamic columns: MariaDB only'],
  [/\bWITH\s+SYSTEM\s+VERSIONING\b|\bFOR\s+SYSTEM_TIME\b/i, 'system-versioned tables: MariaDB only'],
  [/\bLIMIT\s+ROWS\s+EXAMINED\b/i, 'LIMIT ROWS EXAMINED: MariaDB only'],
  [
    /\bmax_statement_time\b|\bSET\s+STATEMENT\b/i,
    'max_statement_time / SET STATEMENT: MariaDB only (MySQL: the MAX_EXECUTION_TIME hint on SELECT)',
  ],
  [/\bENGINE\s*=\s*(Aria|ColumnStore|Spider|S3|Mroonga|CONNECT|OQGRAPH|SEQUENCE)\b/i, 'a MariaDB-only storage engine; InnoDB'],
  [/\b(INET4|INET6)\b(?!\s*_)/, 'INET4/INET6 column types: MariaDB only; VARBINARY(16)'],
  [/\bFETCH\s+(FIRST|NEXT)\s+\S+\s+ROWS?\b/i, 'OFFSET ... FETCH FIRST: MariaDB only; LIMIT'],
  [/\b(MEDIAN|PERCENTILE_CONT|PERCENTILE_DISC)\s*\(/i, 'MariaDB-only window function'],
  [
    /\bMASTER_GTID_WAIT\s*\(/i,
    'MASTER_GTID_WAIT: MariaDB only (MySQL: WAIT_FOR_EXECUTED_GTID_SET); choose by engine and mark the line mariadb-only:',
  ],
  [/\bKILL\s+(QUERY\s+)?ID\b/i, 'KILL QUERY ID: MariaDB only; KILL QUERY <connection id>'],
  [/\bSHOW\s+EXPLAIN\b|\bANALYZE\s+FORMAT\s*=/i, 'SHOW EXPLAIN / ANALYZE FORMAT=: MariaDB only (MySQL: EXPLAIN ANALYZE)'],
];

/** The files holding SQL: the migrations and the TypeScript sources of the server, tests excluded. */
export function sqlFiles() {
  const out = [];
  const walk = (dir) => {
    for (const entry of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
      const path = `${dir}/${entry.name}`;
      if (entry.isDirectory()) walk(path);
      else if (path.endsWith('.sql') || (path.endsWith('.ts') && !path.endsWith('.test.ts'))) out.push(path);
    }
  };
  walk('server/src');
  return out;
}

export function findings(path, text) {
  const found = [];
  text.split('\n').forEach((line, i) => {
    if (/mariadb-only:/.test(line)) return;
    for (const [pattern, why, allowedIn] of RULES) {
      if (allowedIn && path.startsWith(allowedIn)) continue;
      if (pattern.test(line)) found.push(`${path}:${i + 1}: ${why}\n    ${line.trim()}`);
    }
  });
  return found;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const files = process.argv.length > 2 ? process.argv.slice(2).map((f) => relative(ROOT, resolve(f))) : sqlFiles();
  const all = files.flatMap((f) => findings(f, readFileSync(join(ROOT, f), 'utf8')));
  if (all.length > 0) {
    console.error(`SQL that MySQL 8 does not accept (docs/operations.md, "MariaDB and MySQL 8"):\n${all.join('\n')}`);
    process.exit(1);
  }
  console.log(`check-mysql8-sql: ${files.length} files, no MariaDB-only SQL`);
}
