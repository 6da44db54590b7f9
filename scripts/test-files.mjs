// Lists the test files of one kind: unit (no services), int (MariaDB and/or Redis), e2e (headless Chromium).
// The kind follows from what a test file reads, itself or through the non-test helpers it imports from tests/:
//   e2e  imports playwright-core;
//   int  is named *.int.test.ts, or imports mysql2 or ioredis, calls buildApp or buildFhirServices, or reads
//        TEST_MYSQL_URL or REDIS_URL (the tests that spawn the CLI against a database);
//   unit everything else, but for the few service-free files listed in SLOW (over half a minute each on their own),
//        which run with int so that test:unit stays under a minute.
// Helpers under server/src are not followed: production code imports mysql2 without a test touching MariaDB.
// Usage: node scripts/test-files.mjs <unit|int|e2e|all>  (one path a line, sorted)
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const TEST_ROOTS = ['server', 'tests', 'mappings', 'profiles', 'smart-app', 'conformance'];
const E2E = /from '(playwright-core)'/;
const INT = /from '(mysql2(\/promise)?|ioredis)'|\bbuild(App|FhirServices)\(|\b(TEST_MYSQL_URL|REDIS_URL)\b/;
const SLOW = new Set(['tests/validate-official-examples.test.ts']);
const IMPORT = /(?:import|export)\s[^'"]*?from\s+'(\.[^']+)'|import\(\s*'(\.[^']+)'\s*\)/g;

export function testFiles(kind) {
  const all = TEST_ROOTS.flatMap((dir) => walk(join(ROOT, dir)))
    .filter((f) => f.endsWith('.test.ts'))
    .sort();
  const chosen = kind === 'all' ? all : all.filter((f) => kindOf(f) === kind);
  return chosen.map((f) => relative(ROOT, f));
}

export function kindOf(file) {
  const texts = [...helperTexts(file, new Set())];
  if (texts.some((t) => E2E.test(t))) return 'e2e';
  if (file.endsWith('.int.test.ts') || texts.some((t) => INT.test(t)) || SLOW.has(relative(ROOT, file))) return 'int';
  return 'unit';
}

/** The file's own text, then that of every helper it imports (transitively) that lives under tests/. */
function* helperTexts(file, seen) {
  if (seen.has(file)) return;
  seen.add(file);
  const text = readFileSync(file, 'utf8');
  yield text;
  for (const m of text.matchAll(IMPORT)) {
    const target = resolve(dirname(file), (m[1] ?? m[2]).replace(/\.js$/, '.ts'));
    if (relative(join(ROOT, 'tests'), target).startsWith('..') || target.endsWith('.test.ts')) continue;
    yield* helperTexts(target, seen);
  }
}

function walk(dir) {
  let names;
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .filter((n) => n !== 'node_modules' && !n.startsWith('.'))
    .flatMap((n) => {
      const path = join(dir, n);
      return statSync(path).isDirectory() ? walk(path) : [path];
    });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const kind = process.argv[2];
  if (!['unit', 'int', 'e2e', 'all'].includes(kind)) {
    console.error('usage: node scripts/test-files.mjs <unit|int|e2e|all>');
    process.exit(2);
  }
  for (const f of testFiles(kind)) console.log(f);
}
