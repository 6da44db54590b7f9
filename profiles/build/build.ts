// `npm run build:profiles`: FSH -> SUSHI -> snapshots, expansions, ImplementationGuide -> profiles/generated/ and
// profiles/generated/package.tgz (a FHIR NPM package). Offline and reproducible: run twice, get the same bytes.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { assemble } from './assemble.js';
import { runSushi } from './run-sushi.js';

const profilesDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(profilesDir, 'generated');

const { resources } = runSushi(profilesDir);
const output = await assemble(resources);

rmSync(outDir, { recursive: true, force: true });
mkdirSync(join(outDir, 'examples'), { recursive: true });
for (const f of output.files) writeFileSync(join(outDir, f.path), f.content);
writeFileSync(join(outDir, 'package.tgz'), output.packageTgz);
console.log(`profiles/generated: ${output.files.length} files and package.tgz (${output.packageTgz.length} bytes)`);
