// Unit tests for the in-memory facts the policy reads: compartment membership and constraint matching,
// from the same index rows search uses.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Condition, Device, Group, Observation, Patient } from 'fhir/r4.js';
import { loadR4Definitions } from '../../definitions/r4-definitions.js';
import { createResourceFacts } from './resource-facts.js';

const BASE = 'http://localhost:8080/fhir';
const facts = createResourceFacts(loadR4Definitions(), BASE);
const CAT = 'http://terminology.hl7.org/CodeSystem/observation-category';
const obs: Observation = {
  resourceType: 'Observation',
  id: 'o',
  status: 'final',
  code: { coding: [{ code: '8867-4' }] },
  category: [{ coding: [{ system: CAT, code: 'vital-signs' }] }],
  subject: { reference: `${BASE}/Patient/a` },
  performer: [{ reference: 'Practitioner/p' }],
};

describe('resource facts', () => {
  it('knows compartment membership through the compartment parameters, absolute local references included', () => {
    assert.equal(facts.inPatientCompartment(obs, 'a'), true);
    assert.equal(facts.inPatientCompartment(obs, 'b'), false);
    const linked: Patient = { resourceType: 'Patient', id: 'c', link: [{ other: { reference: 'Patient/a' }, type: 'seealso' }] };
    assert.equal(facts.inPatientCompartment(linked, 'a'), true);
    assert.equal(facts.inPatientCompartment({ resourceType: 'Patient', id: 'a' }, 'a'), true);
    assert.equal(facts.inCompartmentDefinition('Device'), false);
    assert.equal(facts.inCompartmentDefinition('Observation'), true);
    const device: Device = { resourceType: 'Device', id: 'd', patient: { reference: 'Patient/a' } };
    assert.deepEqual([...facts.referencedPatients(device)], ['a']);
  });

  it('matches token constraints in every form the search syntax has', () => {
    assert.equal(facts.matches(obs, 'category', `${CAT}|vital-signs`), true);
    assert.equal(facts.matches(obs, 'category', 'vital-signs'), true);
    assert.equal(facts.matches(obs, 'category', `${CAT}|`), true);
    assert.equal(facts.matches(obs, 'category', '|vital-signs'), false, 'the coding has a system');
    assert.equal(facts.matches(obs, 'code', '|8867-4'), true, 'the coding has none');
    assert.equal(facts.matches(obs, 'category', `${CAT}|laboratory,${CAT}|vital-signs`), true, 'comma is OR');
    assert.equal(facts.matches(obs, 'category', `${CAT}|laboratory`), false);
  });

  it('matches references and refuses what it cannot evaluate', () => {
    assert.equal(facts.matches(obs, 'performer', 'Practitioner/p'), true);
    assert.equal(facts.matches(obs, 'subject', 'a'), true);
    assert.equal(facts.matches(obs, 'subject', 'Patient/b'), false);
    assert.equal(facts.matches(obs, 'date', 'ge2020'), undefined);
    assert.equal(facts.matches(obs, 'no-such-param', 'x'), undefined);
  });

  it('lists the Patients a written resource refers to through compartment parameters, contained ones included', () => {
    const refs = (r: Observation | Condition | Group | Device) =>
      facts
        .patientReferences(r)
        .map((x) => `${x.param}=${x.id ?? `?${x.text}`}`)
        .sort();
    assert.deepEqual(refs({ ...obs, performer: [{ reference: 'Patient/b' }, { reference: 'Practitioner/p' }] }), [
      'performer=b',
      'subject=a',
    ]);
    // focus is no compartment parameter.
    assert.deepEqual(refs({ ...obs, focus: [{ reference: 'Patient/b' }] }), ['subject=a']);
    assert.deepEqual(refs({ ...obs, subject: { reference: 'https://elsewhere.example/fhir/Patient/a' } }), [
      'subject=?https://elsewhere.example/fhir/Patient/a',
    ]);
    // Condition's compartment parameter `patient` is `subject` where a Patient: an untyped conditional subject is seen through `subject`.
    const condition: Condition = { resourceType: 'Condition', subject: { reference: 'Patient?identifier=urn:mrn|x' } };
    assert.deepEqual(refs(condition), ['subject=?Patient?identifier=urn:mrn']);
    const contained: Observation = { ...obs, contained: [{ resourceType: 'Condition', id: 'c', subject: { reference: 'Patient/b' } }] };
    assert.ok(refs(contained).includes('contained[0].subject=b'), refs(contained).join());
    const group: Group = {
      resourceType: 'Group',
      type: 'person',
      actual: true,
      member: [{ entity: { reference: 'Patient/a' } }, { entity: { reference: 'Patient/b' } }],
    };
    assert.deepEqual(refs(group), ['member=a', 'member=b']);
    // A type outside the CompartmentDefinition: any reference parameter.
    assert.deepEqual(refs({ resourceType: 'Device', patient: { reference: 'Patient/b' } }), ['patient=b']);
  });
});
