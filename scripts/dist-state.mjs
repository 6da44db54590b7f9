// Whether dist/ (the compiled server, `npm run build`) matches the sources: a signature of every input's path, size
// and modification time, written by the build and compared here (a few ms: it only stats the files). Any edit,
// checkout, new or deleted file makes dist stale (test files aside); bin/fibrotrack.js then runs the sources
// through tsx instead.
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

export const ROOT = join(import.meta.dirname, '..');
export const DIST = join(ROOT, 'dist');
export const STAMP = join(DIST, '.sources');
const INPUT_DIRS = ['server/src', 'mappings/src'];
const INPUT_FILES = ['tsconfig.json', 'tsconfig.build.json', 'package-lock.json', 'scripts/build.mjs'];

export function sourceSignature() {
  const hash = createHash('sha256');
  const files = [...INPUT_FILES.map((f) => join(ROOT, f)), ...INPUT_DIRS.flatMap((d) => walk(join(ROOT, d)))];
  for (const file of files) {
    const info = statSync(file, { throwIfNoEntry: false });
    hash.update(`${relative(ROOT, file)}\0${info?.size ?? -1}\0${info?.mtimeMs ?? -1}\n`);
  }
  return hash.digest('hex');
}

export function distIsFresh() {
  try {
    return readFileSync(STAMP, 'utf8').trim() === sourceSignature();
  } catch {
    return false;
  }
}

function walk(dir) {
  return readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => (a.name < b.name ? -1 : 1))
    .flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : e.name.endsWith('.test.ts') ? [] : [join(dir, e.name)]));
}
