// The parameters found derived are exactly the union (or restriction) of the rows of those they derive from, on
// every official R4 example, so that not storing their rows changes no search result.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Resource } from 'fhir/r4.js';
import { exampleFiles, readExample } from '../../../tests/support/official-examples.js';
import { createResourceIndexer } from '../indexing/resource-indexer.js';
import { derivedParams } from './derived-params.js';
import { loadR4Definitions } from './r4-definitions.js';

const defs = loadR4Definitions();
const derived = derivedParams(defs);
const TABLE = {
  token: 'token',
  quantity: 'quantity',
  reference: 'reference',
  composite: 'composite',
  string: 'string',
  date: 'date',
  uri: 'uri',
  number: 'number',
} as const;

test('the derived parameters of R4: unions of Observation parameters and references restricted to one target type', () => {
  const of = (type: string, code: string) => derived(type, code);
  assert.deepEqual(of('Observation', 'combo-code'), { from: ['code', 'component-code'] });
  assert.deepEqual(of('Observation', 'combo-code-value-quantity'), { from: ['code-value-quantity', 'component-code-value-quantity'] });
  assert.deepEqual(of('Observation', 'patient'), { from: ['subject'], targetType: 'Patient' });
  assert.deepEqual(of('Encounter', 'practitioner'), { from: ['participant'], targetType: 'Practitioner' });
  // Own rows: a plain path, a union of paths no other parameter has, a restriction of a path no parameter has alone.
  assert.equal(of('Observation', 'code'), undefined);
  assert.equal(of('Observation', 'code-value-quantity'), undefined);
  assert.equal(of('AllergyIntolerance', 'patient'), undefined);
  assert.equal(of('Patient', 'name'), undefined);
  assert.equal(of('Observation', 'performer'), undefined);
  const all = defs.resourceTypes.flatMap((t) => [...defs.searchParams(t).keys()].filter((c) => derived(t, c)).map((c) => `${t}.${c}`));
  assert.equal(all.length, 53, all.join(' '));
});

test('on every official example, a derived parameter has exactly the rows of the parameters it derives from', () => {
  const indexer = createResourceIndexer(defs, 'http://localhost:8080/fhir');
  let compared = 0;
  let nonEmpty = 0;
  for (const file of exampleFiles(4_000_000)) {
    const resources = [readExample<Resource>(file)];
    for (let i = 0; i < resources.length; i++) {
      const r = resources[i] as Resource & { entry?: { resource?: Resource }[]; contained?: Resource[] };
      resources.push(...(r.entry ?? []).flatMap((e) => (e.resource ? [e.resource] : [])));
      if (!defs.isResourceType(r.resourceType)) continue;
      const rows = indexer.index(r);
      for (const [code, def] of defs.searchParams(r.resourceType)) {
        const d = derived(r.resourceType, code);
        if (!d) continue;
        const list = rows[TABLE[def.type as keyof typeof TABLE]] as { param: string; targetType?: string | null }[];
        const key = ({ param: _p, ...rest }: { param: string }) => JSON.stringify(rest);
        const own = new Set(list.filter((row) => row.param === code).map(key));
        const made = new Set(
          list.filter((row) => d.from.includes(row.param) && (!d.targetType || row.targetType === d.targetType)).map(key),
        );
        assert.deepEqual([...own].sort(), [...made].sort(), `${file}: ${r.resourceType}.${code} from ${d.from.join(', ')}`);
        compared++;
        if (own.size > 0) nonEmpty++;
      }
    }
  }
  assert.ok(compared > 2000 && nonEmpty > 500, `${compared} comparisons, ${nonEmpty} with rows`);
});
