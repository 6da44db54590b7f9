// Tests for _elements on single resources. https://hl7.org/fhir/R4/search.html#elements
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OutcomeError } from '../../core/outcomes.js';
import { applyElements } from './elements.js';
import { defs, keys, observation, patient, tagCodes, type Obj } from './test-fixtures.js';

const is400On = (name: string) => (err: unknown) =>
  err instanceof OutcomeError &&
  err.status === 400 &&
  err.outcome.issue[0].expression?.[0] === '_elements' &&
  (err.outcome.issue[0].diagnostics ?? '').includes(`'${name}'`);

test('_elements=name,birthDate on Patient keeps those, their primitive extensions, id and meta', () => {
  const e = applyElements(patient(), ['name', 'birthDate'], defs) as unknown as Obj;
  assert.deepEqual(keys(e), ['_birthDate', 'birthDate', 'id', 'meta', 'name', 'resourceType']);
  assert.deepEqual(e.name, (patient() as unknown as Obj).name, 'named elements are kept whole');
  assert.deepEqual(tagCodes(e as never), ['keep-me', 'SUBSETTED']);
});

test('mandatory elements are kept unasked', () => {
  assert.deepEqual(keys(applyElements(observation(), ['subject'], defs)), [
    '_status',
    'code',
    'id',
    'meta',
    'resourceType',
    'status',
    'subject',
  ]);
});

test('choice elements can be named value, value[x] or valueQuantity', () => {
  for (const name of ['value', 'value[x]', 'valueQuantity', 'Observation.value']) {
    assert.ok((applyElements(observation(), [name], defs) as unknown as Obj).valueQuantity, name);
  }
});

test('type-qualified names: own type is accepted, another resource type is skipped', () => {
  assert.deepEqual(keys(applyElements(patient(), ['Patient.name', 'Observation.code'], defs)), ['id', 'meta', 'name', 'resourceType']);
});

test('a name that is not an element of the type is a 400 naming it', () => {
  assert.throws(() => applyElements(patient(), ['name', 'nope'], defs), is400On('nope'));
  assert.throws(() => applyElements(patient(), ['code'], defs), is400On('code'));
  assert.throws(() => applyElements(patient(), ['_birthDate'], defs), is400On('_birthDate'));
  assert.throws(() => applyElements(patient(), ['name.family'], defs), is400On('name.family'));
  assert.throws(() => applyElements(observation(), ['valueFoo'], defs), is400On('valueFoo'));
});

test('the input is never mutated', () => {
  const input = patient();
  const before = structuredClone(input);
  applyElements(input, ['name'], defs);
  assert.deepEqual(input, before);
});
