// `npm run build`: compiles the server (server/src, mappings/src) into dist/ with tsc (tsconfig.build.json), then
// gives dist what the sources find beside them at run time: the SQL migrations, the worker threads' entries (a
// plain import of the compiled worker instead of tsx), and links to profiles/ and smart-app/ (the paths are relative
// to the modules, so dist/ mirrors the project root). With --if-stale (prestart) it does nothing when dist is fresh.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { DIST, ROOT, STAMP, distIsFresh, sourceSignature } from './dist-state.mjs';

if (process.argv.includes('--if-stale') && distIsFresh()) process.exit(0);

const signature = sourceSignature();
rmSync(STAMP, { force: true });
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
execFileSync(process.execPath, [tsc, '-p', join(ROOT, 'tsconfig.build.json')], { stdio: 'inherit' });

const migrations = 'server/src/store/mysql/migrations';
rmSync(join(DIST, migrations), { recursive: true, force: true });
cpSync(join(ROOT, migrations), join(DIST, migrations), { recursive: true });
// Worker threads start from an .mjs entry; the sources' entries register tsx first, the compiled ones need not.
for (const [folder, worker] of [
  ['validation-thread', 'validation-worker'],
  ['json-mapping-thread', 'json-mapping-worker'],
]) {
  writeFileSync(
    join(DIST, `server/src/wearables/${folder}/${worker}-entry.mjs`),
    `// Entry of the ${folder} in the compiled server (the sources' entry registers tsx first).\nawait import('./${worker}.js');\n`,
  );
}
for (const dir of ['profiles', 'smart-app']) {
  rmSync(join(DIST, dir), { recursive: true, force: true });
  mkdirSync(DIST, { recursive: true });
  symlinkSync(join('..', dir), join(DIST, dir), 'dir');
}
writeFileSync(STAMP, `${signature}\n`);
console.log('dist/ is up to date with server/src and mappings/src');
