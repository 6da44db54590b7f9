// Reference rewriting in transactions leaves the client's resource untouched: a transaction retried after a deadlock
// starts again from it, and must resolve its conditional references again. https://hl7.org/fhir/R4/http.html#trules
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { rewriteReferences } from './transaction-refs.js';

const fullUrls = new Map([
  ['urn:uuid:p', 'Patient/p1'],
  ['urn:uuid:x', 'Observation/o9'],
]);

test('fullUrls and conditional references are rewritten in a copy; what did not change is shared', async () => {
  const original = {
    resourceType: 'Observation',
    code: { coding: [{ system: 'http://loinc.org', code: '8867-4' }] },
    subject: { reference: 'urn:uuid:p' },
    device: { reference: 'Device?identifier=urn:d|watch', display: 'Apple Watch' },
    derivedFrom: [{ reference: 'Observation/kept' }, { reference: 'urn:uuid:x' }],
    note: [{ text: 'urn:uuid:p' }],
  };
  const before = structuredClone(original);
  const asked: string[] = [];
  const rewritten = (await rewriteReferences(original, fullUrls, (type, criteria) => {
    asked.push(`${type}?${criteria}`);
    return Promise.resolve(`${type}/d1`);
  })) as typeof original;
  assert.deepEqual(original, before);
  assert.deepEqual(asked, ['Device?identifier=urn:d|watch']);
  assert.deepEqual(rewritten, {
    ...before,
    subject: { reference: 'Patient/p1' },
    device: { reference: 'Device/d1', display: 'Apple Watch' },
    derivedFrom: [{ reference: 'Observation/kept' }, { reference: 'Observation/o9' }],
    // Any string equal to a fullUrl being replaced is rewritten, not only `reference`.
    note: [{ text: 'Patient/p1' }],
  });
  assert.equal(rewritten.code, original.code);
  assert.equal(rewritten.derivedFrom[0], original.derivedFrom[0]);
});

test('a resource with nothing to rewrite comes back as the same object', async () => {
  const original = { resourceType: 'Patient', name: [{ family: 'Doe' }], link: [{ other: { reference: 'Patient/2' } }] };
  assert.equal(await rewriteReferences(original, fullUrls, () => assert.fail('no conditional reference here')), original);
});
