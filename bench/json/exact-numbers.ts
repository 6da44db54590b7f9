// CPU cost of keeping decimal texts, in process: a transaction body parsed as a request (limits, exact texts) and
// each of its resources written as stored JSON and read back, against plain JSON.parse/JSON.stringify.
// Usage: npx tsx bench/json/exact-numbers.ts [fixtures-dir ...] (default ../shared/fixtures/synthea)
import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseExact, stringifyExact } from '../../server/src/core/exact-numbers.js';
import { parseFhirJson } from '../../server/src/core/json.js';
import { checkJsonLimits } from '../../server/src/core/json-limits.js';

const dirs = process.argv.slice(2).length > 0 ? process.argv.slice(2) : ['../shared/fixtures/synthea'];
const best = (fn: () => void, reps = 15) => {
  let min = Infinity;
  for (let k = 0; k < reps; k++) {
    const t0 = process.hrtime.bigint();
    fn();
    min = Math.min(min, Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return min;
};

/** parseFhirJson as it was before decimal texts were kept: limits, then JSON.parse (with a finiteness reviver). */
const MAYBE_HUGE = /[eE]\+?\d{3,}|\d{309,}/;
const parseAsBefore = (b: string): unknown => {
  checkJsonLimits(b);
  return MAYBE_HUGE.test(b)
    ? JSON.parse(b, (_k, v: unknown) => {
        if (typeof v === 'number' && !Number.isFinite(v)) throw new RangeError('huge');
        return v;
      })
    : JSON.parse(b);
};

for (const dir of dirs.map((d) => resolve(d))) {
  const bodies = readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => readFileSync(join(dir, f), 'utf8'));
  const plain = bodies.map((b) => (JSON.parse(b) as { entry: { resource: unknown }[] }).entry.map((e) => e.resource));
  const exact = bodies.map((b) => (parseFhirJson(b) as { entry: { resource: unknown }[] }).entry.map((e) => e.resource));
  const count = plain.reduce((n, rs) => n + rs.length, 0);
  const storedPlain = plain.flat().map((r) => JSON.stringify(r));
  const storedExact = exact.flat().map((r) => stringifyExact(r));
  const rows = [
    ['parse request bodies', best(() => bodies.forEach(parseAsBefore)), best(() => bodies.forEach((b) => parseFhirJson(b)))],
    [
      'stringify resources for storage',
      best(() => plain.forEach((rs) => rs.forEach((r) => JSON.stringify(r)))),
      best(() => exact.forEach((rs) => rs.forEach((r) => stringifyExact(r)))),
    ],
    [
      'parse stored resources (reads)',
      best(() => storedPlain.forEach((s) => JSON.parse(s) as unknown)),
      best(() => storedExact.forEach((s) => parseExact(s))),
    ],
  ] as const;
  console.log(`${dir}: ${bodies.length} bundles, ${count} resources`);
  console.log('| step | plain JSON µs/resource | exact texts µs/resource | ratio |');
  console.log('| --- | --- | --- | --- |');
  for (const [step, a, b] of rows)
    console.log(`| ${step} | ${((a * 1000) / count).toFixed(1)} | ${((b * 1000) / count).toFixed(1)} | ${(b / a).toFixed(2)} |`);
}
