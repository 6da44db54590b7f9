// Tests for the per-type shaping tables built from the R4 snapshots. https://hl7.org/fhir/R4/search.html#summary
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planFor } from './shape-plan.js';
import { defs } from './test-fixtures.js';

test('a plan is built once per type and reused', () => {
  assert.equal(planFor(defs, 'Patient'), planFor(defs, 'Patient'));
  assert.equal(planFor(defs, 'NotAType'), null);
});

test('summary paths follow isSummary, plus mandatory and modifier elements', () => {
  const paths = planFor(defs, 'Patient')!.summaryPaths;
  for (const p of ['Patient.id', 'Patient.meta', 'Patient.name', 'Patient.birthDate', 'Patient.deceased[x]', 'Patient.link.other']) {
    assert.ok(paths.has(p), p);
  }
  for (const p of ['Patient.text', 'Patient.photo', 'Patient.contact', 'Patient.maritalStatus', 'Patient.extension']) {
    assert.ok(!paths.has(p), p);
  }
  // Not flagged isSummary in the R4 snapshot, but a modifier: kept so a summary is not misread.
  assert.ok(paths.has('Patient.modifierExtension'));
  // Mandatory though not flagged isSummary.
  assert.ok(planFor(defs, 'Patient')!.summaryPaths.has('Patient.communication.language'));
});

test('JSON keys for choices and primitive extensions map to their element', () => {
  const plan = planFor(defs, 'Observation')!;
  const q = plan.rule('Observation', 'valueQuantity');
  assert.equal(q?.path, 'Observation.value[x]');
  assert.deepEqual(q?.nested, { type: 'Quantity', path: 'Quantity' });
  assert.equal(plan.rule('Observation', '_valueString')?.path, 'Observation.value[x]');
  assert.equal(plan.rule('Observation', '_valueString')?.nested, undefined);
  assert.equal(plan.rule('Observation', 'valueFoo'), undefined);
  assert.equal(plan.rule('Observation', 'value'), undefined, 'a bare choice name is not a JSON key');
  assert.equal(plan.named('Observation', 'value')?.path, 'Observation.value[x]');
  assert.equal(plan.named('Observation', 'value[x]')?.path, 'Observation.value[x]');
  assert.equal(plan.named('Observation', 'valueQuantity')?.name, 'value');
});

test('backbones, content references and datatypes say where their children are described', () => {
  assert.deepEqual(planFor(defs, 'Observation')!.rule('Observation', 'component')?.nested, {
    type: 'Observation',
    path: 'Observation.component',
  });
  assert.deepEqual(planFor(defs, 'Questionnaire')!.rule('Questionnaire.item', 'item')?.nested, {
    type: 'Questionnaire',
    path: 'Questionnaire.item',
  });
  assert.deepEqual(planFor(defs, 'Patient')!.rule('Patient', 'name')?.nested, { type: 'HumanName', path: 'HumanName' });
  // Kept whole: the extension's own profile, not the base Extension flags, says what matters in it.
  assert.equal(planFor(defs, 'Patient')!.rule('Patient', 'modifierExtension')?.nested, undefined);
  assert.equal(planFor(defs, 'Bundle')!.rule('Bundle.entry', 'resource')?.nested, undefined);
  assert.equal(planFor(defs, 'Patient')!.rule('Patient', 'birthDate')?.nested, undefined);
});
