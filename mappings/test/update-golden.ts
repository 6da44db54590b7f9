// Rewrites the golden files from the current mapping. Run after a deliberate change, then read the diff.
import { writeFileSync } from 'node:fs';
import { GOLDEN, goldenCases, serialize } from './golden-cases.js';

for (const c of goldenCases) {
  writeFileSync(`${GOLDEN}${c.name}.json`, serialize(await c.run()));
  console.log(`${c.name}.json`);
}
