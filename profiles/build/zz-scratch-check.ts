import { readFileSync, readdirSync } from 'node:fs';
import { r4Definitions } from '../../server/src/app.js';
import { createConformanceRegistry } from '../../server/src/validation/conformance-registry.js';
import { createResourceValidator } from '../../server/src/validation/resource-validator.js';
const defs = r4Definitions();
const registry = createConformanceRegistry(defs);
const gen = 'profiles/generated';
registry.add(readdirSync(gen).filter((f) => f.endsWith('.json')).map((f) => JSON.parse(readFileSync(`${gen}/${f}`, 'utf8'))));
const v = createResourceValidator(defs, registry);
const counts = new Map<string, number>();
const files = process.argv.slice(2);
for (const f of files) {
  const j = JSON.parse(readFileSync(f, 'utf8'));
  const rs = Array.isArray(j) ? j : [...(j.observations ?? []), ...(j.devices ?? []), ...(j.resourceType ? [j] : [])];
  for (const r of rs) {
    for (const i of v.validate(r, undefined, { claimed: true }).filter((i) => i.severity === 'error')) {
      const k = `${r.meta?.profile?.[0]?.split('/').pop() ?? r.resourceType}: ${i.diagnostics}`.replace(/\d{4}-\d\d-\d\dT[^ ']*/g, 'T').slice(0, 260);
      counts.set(k, (counts.get(k) ?? 0) + 1);
    }
  }
}
for (const [k, n] of [...counts].sort((a, b) => b[1] - a[1]).slice(0, 40)) console.log(n, k);
