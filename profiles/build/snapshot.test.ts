// Tests of the snapshot generator on small differentials over the real R4 base definitions.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ElementDefinition, StructureDefinition } from 'fhir/r4.js';
import { R4StructureDefinitions } from '../../server/src/definitions/r4-package.js';
import { generateSnapshot } from './snapshot.js';

const r4 = new R4StructureDefinitions();
const resolve = (url: string) => r4.get(url);

function profile(base: string, elements: ElementDefinition[]): StructureDefinition {
  return {
    resourceType: 'StructureDefinition',
    url: 'https://example.org/StructureDefinition/p',
    name: 'P',
    status: 'draft',
    kind: 'resource',
    abstract: false,
    type: 'Observation',
    derivation: 'constraint',
    baseDefinition: `http://hl7.org/fhir/StructureDefinition/${base}`,
    differential: { element: elements },
  };
}
const snapshotOf = (base: string, elements: ElementDefinition[]) => generateSnapshot(profile(base, elements), resolve).snapshot!.element;
const ids = (els: ElementDefinition[]) => els.map((e) => e.id);
const byId = (els: ElementDefinition[], id: string) => {
  const e = els.find((x) => x.id === id);
  assert.ok(e, `${id} is in the snapshot`);
  return e;
};

test('an empty differential gives the base snapshot', () => {
  const base = r4.get('http://hl7.org/fhir/StructureDefinition/Observation')!;
  assert.deepEqual(ids(snapshotOf('Observation', [])), ids(base.snapshot!.element));
});

test('stated properties replace the base, constraints add up, base and path stay', () => {
  const els = snapshotOf('Observation', [
    { id: 'Observation.effective[x]', path: 'Observation.effective[x]', min: 1, type: [{ code: 'Period' }] },
    { id: 'Observation', path: 'Observation', constraint: [{ key: 'ft-1', severity: 'error', human: 'h', expression: 'true' }] },
  ]);
  const eff = byId(els, 'Observation.effective[x]');
  assert.equal(eff.min, 1);
  assert.equal(eff.max, '1');
  assert.deepEqual(eff.type, [{ code: 'Period' }]);
  assert.deepEqual(eff.base, { path: 'Observation.effective[x]', min: 0, max: '1' });
  const keys = byId(els, 'Observation').constraint!.map((c) => c.key);
  assert.ok(keys.includes('obs-6') && keys.includes('obs-7') && keys.includes('ft-1'), keys.join());
});

test('a datatype is unfolded from its own snapshot when the differential reaches into it', () => {
  const els = snapshotOf('Observation', [
    { id: 'Observation.value[x]', path: 'Observation.value[x]', type: [{ code: 'Quantity' }] },
    { id: 'Observation.value[x]:valueQuantity', path: 'Observation.value[x]', sliceName: 'valueQuantity', type: [{ code: 'Quantity' }] },
    { id: 'Observation.value[x]:valueQuantity.code', path: 'Observation.value[x].code', min: 1, fixedCode: 'kg' },
  ]);
  const at = ids(els).indexOf('Observation.value[x]:valueQuantity');
  assert.deepEqual(ids(els).slice(at, at + 8), [
    'Observation.value[x]:valueQuantity',
    'Observation.value[x]:valueQuantity.id',
    'Observation.value[x]:valueQuantity.extension',
    'Observation.value[x]:valueQuantity.value',
    'Observation.value[x]:valueQuantity.comparator',
    'Observation.value[x]:valueQuantity.unit',
    'Observation.value[x]:valueQuantity.system',
    'Observation.value[x]:valueQuantity.code',
  ]);
  const code = byId(els, 'Observation.value[x]:valueQuantity.code');
  assert.equal(code.path, 'Observation.value[x].code');
  assert.equal(code.fixedCode, 'kg');
  assert.equal(code.min, 1);
  assert.deepEqual(code.base, { path: 'Quantity.code', min: 0, max: '1' });
  assert.equal(ids(els)[at + 8], 'Observation.dataAbsentReason', 'unfolded children sit under their parent');
});

test('a new slice of a backbone element copies its children and lands after the existing slices', () => {
  const els = snapshotOf('Observation', [
    {
      id: 'Observation.component',
      path: 'Observation.component',
      slicing: { discriminator: [{ type: 'pattern', path: 'code' }], rules: 'open' },
    },
    { id: 'Observation.component:a', path: 'Observation.component', sliceName: 'a', max: '1' },
    { id: 'Observation.component:b', path: 'Observation.component', sliceName: 'b' },
    { id: 'Observation.component:b.value[x]', path: 'Observation.component.value[x]', type: [{ code: 'Quantity' }] },
    { id: 'Observation.component:b.value[x]:valueQuantity', path: 'Observation.component.value[x]', sliceName: 'valueQuantity' },
    { id: 'Observation.component:b.value[x]:valueQuantity.code', path: 'Observation.component.value[x].code', fixedCode: 'min' },
  ]);
  const list = ids(els);
  const base = list.indexOf('Observation.component');
  const a = list.indexOf('Observation.component:a');
  const b = list.indexOf('Observation.component:b');
  assert.ok(base < a && a < b, 'slices follow the sliced element in differential order');
  assert.equal(list[a + 1], 'Observation.component:a.id', 'a slice carries the children of the sliced element');
  assert.ok(list.slice(a, b).includes('Observation.component:a.referenceRange'));
  assert.equal(byId(els, 'Observation.component:a').max, '1');
  assert.equal(byId(els, 'Observation.component:a').slicing, undefined, 'a slice does not inherit the slicing');
  assert.equal(byId(els, 'Observation.component:b.value[x]:valueQuantity.code').fixedCode, 'min');
  assert.equal(list.at(-1), 'Observation.component:b.referenceRange', 'nothing of slice b lands outside it');
  assert.equal(new Set(list).size, list.length, 'ids are unique');
});

test("a new slice starts from the sliced element as inherited, not as this profile's slicing entry", () => {
  const els = snapshotOf('Observation', [
    {
      id: 'Observation.category',
      path: 'Observation.category',
      min: 2,
      mustSupport: true,
      short: 'entry',
      slicing: { discriminator: [{ type: 'pattern', path: '$this' }], rules: 'open' },
    },
    { id: 'Observation.category:survey', path: 'Observation.category', sliceName: 'survey', max: '1' },
  ]);
  const entry = byId(els, 'Observation.category');
  const slice = byId(els, 'Observation.category:survey');
  assert.deepEqual([entry.min, entry.mustSupport, entry.short], [2, true, 'entry']);
  assert.deepEqual([slice.min, slice.max, slice.mustSupport, slice.short], [0, '1', undefined, 'Classification of  type of observation']);
});

test('a slice added to a profile that already slices the element comes after the inherited slice', () => {
  const els = snapshotOf('oxygensat', [
    { id: 'Observation.code.coding:PulseOx', path: 'Observation.code.coding', sliceName: 'PulseOx', min: 1, max: '1' },
    { id: 'Observation.code.coding:PulseOx.code', path: 'Observation.code.coding.code', fixedCode: '59408-5' },
  ]);
  const list = ids(els);
  const inherited = list.indexOf('Observation.code.coding:OxygenSatCode.userSelected');
  assert.equal(list[inherited + 1], 'Observation.code.coding:PulseOx');
  assert.equal(byId(els, 'Observation.code.coding:PulseOx.code').fixedCode, '59408-5');
  assert.equal(byId(els, 'Observation.code.coding:OxygenSatCode.code').fixedCode, '2708-6', 'the inherited slice is untouched');
  assert.ok(list.indexOf('Observation.code.text') > list.indexOf('Observation.code.coding:PulseOx.userSelected'));
});

test('an element defined by reference to another (Questionnaire.item.item) unfolds as a copy of that element', () => {
  const els = generateSnapshot(
    {
      ...profile('Questionnaire', [
        { id: 'Questionnaire.item.item', path: 'Questionnaire.item.item', max: '3' },
        { id: 'Questionnaire.item.item.linkId', path: 'Questionnaire.item.item.linkId', maxLength: 8 },
      ]),
      type: 'Questionnaire',
    },
    resolve,
  ).snapshot!.element;
  const list = ids(els);
  const at = list.indexOf('Questionnaire.item.item');
  assert.equal(byId(els, 'Questionnaire.item.item').max, '3');
  assert.equal(list[at + 1], 'Questionnaire.item.item.id');
  assert.equal(byId(els, 'Questionnaire.item.item.linkId').maxLength, 8);
  assert.equal(byId(els, 'Questionnaire.item.linkId').maxLength, undefined, 'the referenced element is untouched');
  assert.ok(list.includes('Questionnaire.item.item.answerOption.value[x]'), 'with its whole subtree');
  assert.equal(byId(els, 'Questionnaire.item.item.item').contentReference, '#Questionnaire.item', 'down to the next reference');
});

test("the base's publication extensions are not inherited", () => {
  const els = snapshotOf('Observation', []);
  const focus = byId(els, 'Observation.focus');
  assert.equal(focus.extension, undefined, 'Observation.focus is trial-use in R4, which says nothing of the profile');
});

test('an element the base does not have is an error naming it', () => {
  assert.throws(() => snapshotOf('Observation', [{ id: 'Observation.colour', path: 'Observation.colour', min: 1 }]), /Observation\.colour/);
  assert.throws(
    () => snapshotOf('Observation', [{ id: 'Observation.value[x]:valueQuantity.unitt', path: 'Observation.value[x].unitt' }]),
    /unitt/,
  );
  assert.throws(() => generateSnapshot({ ...profile('Nope', []) }, resolve), /base definition/);
});
