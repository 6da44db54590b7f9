// Tests that the fast path and the expression rewrites equal fhirpath.js on every official R4 example. https://hl7.org/fhir/R4/searchparameter.html#expression
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fhirpath from 'fhirpath';
import r4Model from 'fhirpath/fhir-context/r4';
import type { Resource } from 'fhir/r4.js';
import { loadR4Definitions } from '../definitions/r4-definitions.js';
import { dedupeTail, ROW_FIELDS } from './dedupe-rows.js';
import type { IndexRows } from './index-rows.js';
import { createResourceIndexer } from './resource-indexer.js';
import { rowAdders } from './value-rows.js';
import { exampleFiles, readExample } from '../../../tests/support/official-examples.js';

const BASE = 'http://localhost/fhir';
const defs = loadR4Definitions();
const fast = createResourceIndexer(defs, BASE, true);
const reference = createResourceIndexer(defs, BASE, false);

// Every official example of a resource type (the Bundles of definitions are skipped for size).
const examples: [string, Resource][] = exampleFiles(1_000_000)
  .map((f) => [f, readExample<Resource>(f)] as [string, Resource])
  .filter(([, r]) => defs.isResourceType(r.resourceType));

test('the fast path indexes every official example exactly as fhirpath.js does, for every param', () => {
  assert.ok(examples.length > 2000);
  assert.ok(new Set(examples.map(([, r]) => r.resourceType)).size >= 130);
  for (const [file, resource] of examples) assert.deepEqual(fast.index(resource), reference.index(resource), file);
});

test('edge cases of the JSON format: extension-only primitives, nulls, where() on lists, choice subtypes', () => {
  const cases: unknown[] = [
    { resourceType: 'Patient', name: [{ given: ['Ann', null], _given: [null, { extension: [{ url: 'u', valueString: 'v' }] }] }] },
    {
      resourceType: 'Patient',
      _birthDate: { extension: [{ url: 'u', valueCode: 'unknown' }] },
      _deceasedBoolean: { extension: [{ url: 'u', valueCode: 'x' }] },
    },
    {
      resourceType: 'Patient',
      deceasedBoolean: false,
      telecom: [{ value: 'no-system' }, { system: 'email' }, { system: 'phone', value: '1' }],
    },
    { resourceType: 'Condition', subject: { reference: 'Patient/1' }, onsetAge: { value: 4, unit: 'a' }, abatementString: 'gone' },
    { resourceType: 'Condition', subject: { reference: 'Patient/1' }, onsetRange: { low: { value: 1 } }, abatementPeriod: { end: '2020' } },
    { resourceType: 'Observation', status: 'final', code: {}, valueSampledData: { origin: { value: 1 }, period: 1, dimensions: 1 } },
    {
      resourceType: 'Observation',
      status: 'final',
      code: {},
      subject: { reference: 'urn:uuid:1', type: 'Patient' },
      valueString: 'Très  bien',
    },
    {
      resourceType: 'Library',
      status: 'active',
      type: {},
      relatedArtifact: [{ type: 'depends-on', resource: 'http://x/Library/a|1' }, { type: 'successor' }],
    },
  ];
  for (const c of cases) assert.deepEqual(fast.index(c as Resource), reference.index(c as Resource), JSON.stringify(c));
});

/**
 * The indexer rewrites expressions (`x as T` to ofType, `where(resolve() is T)` to a filter on the reference
 * string); where fhirpath.js can evaluate the official expression itself, the rows must be the same.
 */
test('the rewritten expressions index what the official expressions give in fhirpath.js', () => {
  const adders = rowAdders((t) => defs.isResourceType(t), BASE);
  const compiled = new Map<string, (r: unknown) => unknown[]>();
  let compared = 0;
  for (const [file, resource] of examples) {
    const rows = fast.index(resource);
    for (const def of defs.searchParams(resource.resourceType).values()) {
      const add = adders[def.type];
      if (!add || !def.expression || def.expression.includes('resolve()') || def.code === '_id' || def.code === '_lastUpdated') continue;
      const key = `${resource.resourceType}.${def.code}`;
      let evaluate = compiled.get(key);
      if (!evaluate) compiled.set(key, (evaluate = fhirpath.compile(def.expression, r4Model, { resolveInternalTypes: false })));
      let nodes: unknown[];
      try {
        nodes = evaluate(resource);
      } catch {
        continue; // `x as T` on several values throws in fhirpath.js: the reason for the ofType rewrite
      }
      const expected: IndexRows = {
        token: [],
        string: [],
        date: [],
        number: [],
        quantity: [],
        reference: [],
        uri: [],
        composite: [],
        display: [],
      };
      const table = def.type as keyof IndexRows;
      for (const node of nodes) {
        const isNode = typeof node === 'object' && node !== null && 'fhirNodeDataType' in node;
        const n = node as { data?: unknown; fhirNodeDataType?: string };
        let value = isNode ? n.data : node;
        if (value === undefined || value === null) continue;
        if (typeof value === 'object' && 'asStr' in value && 'value' in value) value = (value as { value: unknown }).value;
        add(expected, def.code, (isNode ? n.fhirNodeDataType : undefined) ?? typeof value, value);
      }
      dedupeTail(expected[table], 0, ROW_FIELDS[table]);
      // Companion rows (identifier:of-type, subject:identifier) are compared under their own names.
      const ofParam = (list: unknown[]) => (list as { param: string }[]).filter((r) => r.param === def.code);
      assert.deepEqual(ofParam(rows[table]), ofParam(expected[table]), `${file} ${def.code}: ${def.expression}`);
      compared++;
    }
  }
  assert.ok(compared > 100_000, `${compared} comparisons`);
});
