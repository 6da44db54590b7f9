// The IG build shares the server's ValueSet expander and R4 package reader (one of each), and imports nothing else
// of server/: the files it reaches there must stay leaves that import only each other (and packages).
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const SHARED = [
  'server/src/definitions/bundle-entries.ts',
  'server/src/definitions/r4-package.ts',
  'server/src/fhir-values/code-set.ts',
  'server/src/terminology/code-system-index.ts',
  'server/src/terminology/expand-value-set.ts',
  'server/src/terminology/expansion.ts',
  'server/src/terminology/filter-regex.ts',
];
const RELATIVE_IMPORT = /(?:import|export)\s[^'"]*?from\s+'(\.[^']+)'/g;

test('the build reaches in server/ only the shared terminology and package-reader leaves', () => {
  const build = join(ROOT, 'profiles/build');
  const pending = readdirSync(build)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
    .map((f) => join(build, f));
  const reached = new Set<string>();
  while (pending.length > 0) {
    const file = pending.pop()!;
    for (const m of readFileSync(file, 'utf8').matchAll(RELATIVE_IMPORT)) {
      const target = resolve(dirname(file), m[1].replace(/\.js$/, '.ts'));
      const rel = relative(ROOT, target);
      if (reached.has(rel)) continue;
      reached.add(rel);
      pending.push(target);
    }
  }
  const inServer = [...reached].filter((f) => f.startsWith('server/')).sort();
  assert.deepEqual(
    inServer.filter((f) => !SHARED.includes(f)),
    [],
    'server files the build must not reach',
  );
  assert.ok(inServer.includes('server/src/terminology/expansion.ts') && inServer.includes('server/src/definitions/r4-package.ts'));
});
