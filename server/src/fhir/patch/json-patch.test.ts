// Tests for JSON Patch on resources (RFC 6902 as used by FHIR PATCH).
// https://hl7.org/fhir/R4/http.html#patch
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Patient } from 'fhir/r4.js';
import { OutcomeError } from '../../core/outcomes.js';
import { applyJsonPatch } from './json-patch.js';

const patient = (): Patient => ({
  resourceType: 'Patient',
  id: 'p1',
  active: true,
  gender: 'female',
  name: [{ family: 'Chalmers', given: ['Peter', 'James'] }],
  identifier: [{ system: 'urn:a', value: '1' }],
});

/** Applies the patch and checks the input came out untouched, whatever happened. */
function run(patch: unknown, input = patient()) {
  const before = structuredClone(input);
  try {
    return applyJsonPatch(input, patch) as Patient;
  } finally {
    assert.deepEqual(input, before, 'input resource was mutated');
  }
}

function rejects(patch: unknown, status: number, pattern: RegExp, input = patient()) {
  assert.throws(
    () => run(patch, input),
    (err: unknown) => {
      assert.ok(err instanceof OutcomeError);
      assert.equal(err.status, status);
      assert.match(err.outcome.issue[0].diagnostics ?? '', pattern);
      return true;
    },
  );
}

test('add sets a new element and appends to a list', () => {
  const out = run([
    { op: 'add', path: '/birthDate', value: '1974-12-25' },
    { op: 'add', path: '/name/0/given/-', value: 'Jim' },
  ]);
  assert.equal(out.birthDate, '1974-12-25');
  assert.deepEqual(out.name![0].given, ['Peter', 'James', 'Jim']);
});

test('remove deletes an element', () => {
  const out = run([{ op: 'remove', path: '/gender' }]);
  assert.equal('gender' in out, false);
});

test('replace changes an existing element', () => {
  const out = run([{ op: 'replace', path: '/active', value: false }]);
  assert.equal(out.active, false);
});

test('move relocates a value', () => {
  const out = run([{ op: 'move', from: '/name/0/given/1', path: '/name/0/given/0' }]);
  assert.deepEqual(out.name![0].given, ['James', 'Peter']);
});

test('copy duplicates a value', () => {
  const out = run([{ op: 'copy', from: '/identifier/0', path: '/identifier/-' }]);
  assert.equal(out.identifier!.length, 2);
  assert.deepEqual(out.identifier![1], { system: 'urn:a', value: '1' });
  assert.notEqual(out.identifier![1], out.identifier![0]);
});

test('test that passes lets the following operations apply', () => {
  const out = run([
    { op: 'test', path: '/gender', value: 'female' },
    { op: 'replace', path: '/gender', value: 'other' },
  ]);
  assert.equal(out.gender, 'other');
});

test('failed test is a 422 naming the operation, and nothing changes', () => {
  const input = patient();
  rejects(
    [
      { op: 'replace', path: '/active', value: false },
      { op: 'test', path: '/gender', value: 'male' },
    ],
    422,
    /^JSON Patch operation 1 \(test \/gender\): test failed/,
    input,
  );
  assert.equal(input.active, true);
});

test('a path that does not exist is a 422', () => {
  rejects([{ op: 'replace', path: '/status', value: 'x' }], 422, /^JSON Patch operation 0 \(replace \/status\): path does not exist$/);
  rejects([{ op: 'remove', path: '/name/5' }], 422, /operation 0 \(remove \/name\/5\): path does not exist/);
  rejects([{ op: 'move', from: '/nope', path: '/x' }], 422, /operation 0 \(move \/x\): from path does not exist/);
  rejects([{ op: 'add', path: '/name/9', value: {} }], 422, /array index is out of bounds/);
});

test('removing the whole document is refused: the result must be a resource', () => {
  rejects([{ op: 'remove', path: '' }], 422, /not a resource/);
});

test('malformed documents are a 400', () => {
  rejects({ op: 'add' }, 400, /must be a JSON array/);
  rejects(['add'], 400, /operation 0: must be a JSON object/);
  rejects([{ op: 'frobnicate', path: '/a' }], 400, /op "frobnicate" is not one of/);
  rejects([{ op: 'add', path: 'birthDate', value: 'x' }], 400, /operation 0 \(add birthDate\): path must be a JSON Pointer/);
  rejects([{ op: 'remove' }], 400, /path is required/);
  rejects([{ op: 'test', path: '/gender' }], 400, /operation 0 \(test \/gender\): value is required/);
  rejects([{ op: 'copy', path: '/a' }], 400, /from is required/);
  rejects([{ op: 'add', path: '/a~2b', value: 1 }], 400, /invalid "~" escape/);
  rejects([{ op: 'add', path: '/__proto__/x', value: 1 }], 400, /__proto__/);
  rejects([{ op: 'move', from: '/name', path: '/name/0' }], 400, /into one of its children/);
});

test('a malformed later operation rejects the whole patch before anything applies', () => {
  rejects(
    [
      { op: 'replace', path: '/active', value: false },
      { op: 'nope', path: '/a' },
    ],
    400,
    /operation 1/,
  );
});

test('values are copied, so the result does not alias the patch body', () => {
  const value = { system: 'urn:b', value: '2' };
  const out = run([{ op: 'add', path: '/identifier/-', value }]);
  value.value = 'changed';
  assert.equal(out.identifier![1].value, '2');
});
