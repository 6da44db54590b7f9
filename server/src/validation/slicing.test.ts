// Slice assignment and slice rules on a small hand-written snapshot: value discriminators (including through
// extension('url')), pattern on $this, type, ordered and closed slicing.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ElementDefinition, OperationOutcomeIssue, StructureDefinition } from 'fhir/r4.js';
import { compileStructure, type ElementPlan } from './element-plan.js';
import { assignSlices, checkSliceCounts } from './slicing.js';

const el = (id: string, extra: Partial<ElementDefinition> = {}): ElementDefinition => {
  const path = id.replace(/:[^.]+/g, '');
  const sliceName = /:([^.]+)$/.exec(id)?.[1];
  return { id, path, min: 0, max: '*', ...(sliceName ? { sliceName } : {}), ...extra };
};
const sd = {
  resourceType: 'StructureDefinition',
  url: 'urn:test',
  name: 'Test',
  status: 'active',
  kind: 'resource',
  abstract: false,
  type: 'Basic',
  derivation: 'constraint',
  snapshot: {
    element: [
      el('Basic'),
      el('Basic.identifier', {
        type: [{ code: 'Identifier' }],
        slicing: { discriminator: [{ type: 'value', path: "extension('urn:flag').valueCode" }], rules: 'open' },
      }),
      el('Basic.identifier:flagged', { type: [{ code: 'Identifier' }], min: 1, max: '1' }),
      el('Basic.identifier:flagged.extension', {
        type: [{ code: 'Extension' }],
        slicing: { discriminator: [{ type: 'value', path: 'url' }], rules: 'open' },
      }),
      el('Basic.identifier:flagged.extension:flag', { type: [{ code: 'Extension', profile: ['urn:flag'] }] }),
      el('Basic.identifier:flagged.extension:flag.url', { type: [{ code: 'uri' }], fixedUri: 'urn:flag' }),
      el('Basic.identifier:flagged.extension:flag.value[x]', { type: [{ code: 'code' }], fixedCode: 'yes' }),
      el('Basic.code', { type: [{ code: 'CodeableConcept' }] }),
      el('Basic.code.coding', {
        type: [{ code: 'Coding' }],
        slicing: { discriminator: [{ type: 'pattern', path: '$this' }], rules: 'closed', ordered: true },
      }),
      el('Basic.code.coding:first', { type: [{ code: 'Coding' }], patternCoding: { system: 'urn:s', code: '1' } }),
      el('Basic.code.coding:second', { type: [{ code: 'Coding' }], patternCoding: { system: 'urn:s', code: '2' } }),
    ],
  },
} as unknown as StructureDefinition;
const structure = compileStructure(sd)!;
const at = (id: string) => structure.byId.get(id)!;
const names = (plan: ElementPlan, values: unknown[], type: string) =>
  assignSlices(
    plan,
    values.map((value) => ({ value, type })),
    () => true,
  ).map((s) => s?.sliceName);

test("a value discriminator through extension('url') picks the identifier carrying that extension value", () => {
  const flagged = { system: 'urn:id', value: '1', extension: [{ url: 'urn:flag', valueCode: 'yes' }] };
  const other = { system: 'urn:id', value: '2', extension: [{ url: 'urn:flag', valueCode: 'no' }] };
  assert.deepEqual(names(at('Basic.identifier'), [other, flagged, { value: '3' }], 'Identifier'), [undefined, 'flagged', undefined]);
  const out: OperationOutcomeIssue[] = [];
  checkSliceCounts(at('Basic.identifier'), [undefined], 'Basic.identifier', out);
  assert.deepEqual(
    out.map((i) => i.code),
    ['required'],
  );
});

test('closed and ordered slicing: a value matching no slice, and slices out of order, are errors', () => {
  const coding = at('Basic.code.coding');
  const values = [
    { system: 'urn:s', code: '2' },
    { system: 'urn:s', code: '1', display: 'one' },
    { system: 'urn:s', code: '9' },
  ];
  const assigned = assignSlices(
    coding,
    values.map((value) => ({ value, type: 'Coding' })),
    () => true,
  );
  assert.deepEqual(
    assigned.map((s) => s?.sliceName),
    ['second', 'first', undefined],
  );
  const out: OperationOutcomeIssue[] = [];
  checkSliceCounts(coding, assigned, 'Basic.code.coding', out);
  assert.deepEqual(
    out.map((i) => [i.code, i.expression?.[0]]),
    [
      ['structure', 'Basic.code.coding[1]'],
      ['structure', 'Basic.code.coding[2]'],
    ],
  );
  assert.match(out[0].diagnostics!, /slice 'first' comes after a later slice/);
  assert.match(out[1].diagnostics!, /matches none of the slices 'first', 'second', and the slicing is closed/);
});
