// Tests of the plain-path parser and its typing from the StructureDefinitions. https://hl7.org/fhirpath/N1/#path-selection
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadR4Definitions } from '../definitions/r4-definitions.js';
import { parsePlainPath, StepResolver } from './path-steps.js';

const resolver = new StepResolver(loadR4Definitions());
const steps = (type: string, expression: string) => {
  const parsed = parsePlainPath(expression);
  return parsed && resolver.resolve(type, parsed.ops);
};

test('plain paths parse; anything else is left to fhirpath.js', () => {
  assert.deepEqual(parsePlainPath("Patient.telecom.where(system='phone').value")?.ops, [
    { op: 'child', name: 'telecom' },
    { op: 'where', key: 'system', value: 'phone' },
    { op: 'child', name: 'value' },
  ]);
  for (const e of ['Bundle.entry[0].resource', 'Patient.name.exists()', "Patient.extension('u')", 'Patient', 'a.b | c.d']) {
    assert.equal(parsePlainPath(e), undefined, e);
  }
});

test('steps are typed from the StructureDefinitions, through backbones and datatypes', () => {
  assert.deepEqual(steps('Observation', 'Observation.component.code'), [
    { key: 'component', type: 'BackboneElement' },
    { key: 'code', type: 'CodeableConcept' },
  ]);
  assert.deepEqual(steps('Patient', 'Patient.name.given'), [
    { key: 'name', type: 'HumanName' },
    { key: 'given', type: 'string' },
  ]);
  assert.deepEqual(steps('Patient', 'Resource.meta.profile'), [
    { key: 'meta', type: 'Meta' },
    { key: 'profile', type: 'canonical' },
  ]);
});

test('ofType and as narrow a choice to the type and its subtypes, and may go on from there', () => {
  assert.deepEqual(steps('Observation', 'Observation.value.ofType(Quantity)'), [
    { key: 'value', type: 'choice', choices: [['valueQuantity', 'Quantity']] },
  ]);
  assert.deepEqual(steps('Condition', 'Condition.onset.as(Quantity)'), [{ key: 'onset', type: 'choice', choices: [['onsetAge', 'Age']] }]);
  assert.deepEqual(steps('Observation', 'Observation.value.ofType(CodeableConcept).text'), [
    { key: 'value', type: 'choice', choices: [['valueCodeableConcept', 'CodeableConcept']] },
    { key: 'text', type: 'string' },
  ]);
});

test('content references, where() on primitives; inline resources and unknown names are not fast', () => {
  assert.deepEqual(
    steps('ConceptMap', 'ConceptMap.group.element.target.product.property')?.map((s) => s.type),
    ['BackboneElement', 'BackboneElement', 'BackboneElement', 'BackboneElement', 'uri'],
  );
  assert.deepEqual(steps('Patient', "Patient.telecom.where(system='email')"), [
    { key: 'telecom', type: 'ContactPoint', where: { key: 'system', value: 'email' } },
  ]);
  assert.equal(steps('Bundle', 'Bundle.entry.resource'), undefined);
  assert.equal(steps('Patient', 'Patient.nope'), undefined);
  assert.equal(steps('Observation', 'Observation.value.code'), undefined);
  assert.equal(steps('Patient', "Patient.name.where(period='x')"), undefined);
});
