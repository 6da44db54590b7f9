// Cross-check of the snapshot generator against SUSHI's own (--snapshot) on every FibroTrack profile: two independent
// implementations must agree element by element (property order aside).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ElementDefinition, StructureDefinition } from 'fhir/r4.js';
import { assemble } from './assemble.js';
import { runSushi } from './run-sushi.js';

const profilesDir = join(dirname(fileURLToPath(import.meta.url)), '..');

test('our snapshots equal SUSHI snapshots on every FibroTrack profile', async () => {
  const { resources } = runSushi(profilesDir);
  const sushi = resources.filter((r): r is StructureDefinition => r.resourceType === 'StructureDefinition');
  assert.ok(sushi.length >= 14, `${sushi.length} profiles`);
  const ours = new Map(
    (await assemble(resources)).definitions
      .filter((r): r is StructureDefinition => r.resourceType === 'StructureDefinition')
      .map((sd) => [sd.url, sd]),
  );
  const differences: string[] = [];
  for (const theirs of sushi) {
    const mine = ours.get(theirs.url)!.snapshot!.element;
    assert.deepEqual(
      mine.map((e) => e.id),
      theirs.snapshot!.element.map((e) => e.id),
      `${theirs.id}: the same elements in the same order`,
    );
    theirs.snapshot!.element.forEach((t, i) => {
      for (const k of new Set([...Object.keys(t), ...Object.keys(mine[i])])) {
        if (canonical(mine[i], k) !== canonical(t, k)) differences.push(`${theirs.id} ${t.id} ${k}`);
      }
    });
  }
  assert.deepEqual(differences, []);
});

function canonical(e: ElementDefinition, k: string): string | undefined {
  const v = (e as unknown as Record<string, unknown>)[k];
  return v === undefined ? undefined : JSON.stringify(sortKeys(v));
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object')
    return Object.fromEntries(
      Object.keys(v)
        .sort()
        .map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]),
    );
  return v;
}
