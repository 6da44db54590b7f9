// Unit tests for the access policy: interaction rules, compartment and constraint checks, search filters.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Device, Medication, Observation, Patient } from 'fhir/r4.js';
import { loadR4Definitions } from '../../definitions/r4-definitions.js';
import { OutcomeError } from '../../core/outcomes.js';
import type { InteractionTarget } from '../../fhir/fhir-request.js';
import type { AccessContext } from '../access-context.js';
import { AccessPolicy } from './authorize-interaction.js';
import { createResourceFacts } from './resource-facts.js';

const BASE = 'http://localhost:8080/fhir';
const defs = loadR4Definitions();
const facts = createResourceFacts(defs, BASE);
const VITALS = 'http://terminology.hl7.org/CodeSystem/observation-category|vital-signs';

const policy = (scopes: string, patient?: string) => {
  const access: AccessContext = { clientId: 'app', scopes: scopes.split(' '), patient, expiresAt: Date.now() / 1000 + 60 };
  return new AccessPolicy(access, facts, defs);
};
const target = (t: Partial<InteractionTarget>): InteractionTarget => ({ interaction: 'read', type: '', id: '', compartmentType: '', ...t });
/** The diagnostics of the OutcomeError `fn` throws, asserting its status and issue code. */
const thrown =
  (status: number, code: string) =>
  (fn: () => unknown): string => {
    try {
      fn();
    } catch (err) {
      assert.ok(err instanceof OutcomeError);
      assert.equal(err.status, status);
      assert.equal(err.outcome.issue[0].code, code);
      return err.message;
    }
    assert.fail(`expected a ${status}`);
  };
const refusal = thrown(403, 'forbidden');
const unknown = thrown(404, 'not-found');

const obs = (id: string, patient: string, category = 'vital-signs'): Observation => ({
  resourceType: 'Observation',
  id,
  status: 'final',
  code: { text: 'x' },
  subject: { reference: `Patient/${patient}` },
  category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: category }] }],
});
const patient = (id: string): Patient => ({ resourceType: 'Patient', id });

describe('checkInteraction', () => {
  it('maps interactions to letters: r for read/vread/instance history, s for search and type history', () => {
    const p = policy('user/Observation.r');
    p.checkInteraction(target({ interaction: 'read', type: 'Observation', id: '1' }));
    p.checkInteraction(target({ interaction: 'history-instance', type: 'Observation', id: '1' }));
    assert.match(
      refusal(() => p.checkInteraction(target({ interaction: 'search-type', type: 'Observation' }))),
      /search \(s\) on Observation.*user\/Observation\.s/,
    );
    assert.match(
      refusal(() => p.checkInteraction(target({ interaction: 'history-type', type: 'Observation' }))),
      /search \(s\)/,
    );
    assert.match(
      refusal(() => p.checkInteraction(target({ interaction: 'read', type: 'Patient', id: '1' }))),
      /read \(r\) on Patient/,
    );
  });

  it('c creates, u updates and patches, d deletes; PUT needs u or c', () => {
    const p = policy('user/Observation.c');
    p.checkInteraction(target({ interaction: 'create', type: 'Observation' }));
    p.checkInteraction(target({ interaction: 'update', type: 'Observation', id: '1' }));
    refusal(() => p.checkInteraction(target({ interaction: 'patch', type: 'Observation', id: '1' })));
    refusal(() => p.checkInteraction(target({ interaction: 'delete', type: 'Observation', id: '1' })));
  });

  it('reads v1 scopes as v2 letters', () => {
    const p = policy('user/*.read');
    p.checkInteraction(target({ interaction: 'search-type', type: 'Condition' }));
    refusal(() => p.checkInteraction(target({ interaction: 'create', type: 'Condition' })));
  });

  it('keeps AuditEvent to system/AuditEvent read and search, and never writable', () => {
    assert.match(
      refusal(() => policy('system/*.cruds').checkInteraction(target({ interaction: 'search-type', type: 'AuditEvent' }))),
      /system\/AuditEvent\.s/,
    );
    refusal(() => policy('user/AuditEvent.rs').checkInteraction(target({ interaction: 'read', type: 'AuditEvent', id: '1' })));
    policy('system/AuditEvent.read').checkInteraction(target({ interaction: 'search-type', type: 'AuditEvent' }));
    assert.match(
      refusal(() => policy('system/AuditEvent.cruds').checkInteraction(target({ interaction: 'create', type: 'AuditEvent' }))),
      /written by the server only/,
    );
    refusal(() => policy('system/AuditEvent.cruds').checkInteraction(target({ interaction: 'delete', type: 'AuditEvent', id: '1' })));
  });

  it('confines Patient/{id} operations and compartment searches to the context patient under patient scopes', () => {
    const p = policy('patient/*.cruds', 'a');
    p.checkInteraction(target({ interaction: 'operation', type: 'Patient', id: 'a', operation: 'import-wearable' }));
    assert.match(
      refusal(() => p.checkInteraction(target({ interaction: 'operation', type: 'Patient', id: 'b', operation: 'import-wearable' }))),
      /Patient\/b is another patient's record/,
    );
    // An operation that may read answers another patient's record as an unknown Patient, whether it exists or not.
    assert.match(
      unknown(() => p.checkInteraction(target({ interaction: 'operation', type: 'Patient', id: 'b', operation: 'some-future-op' }))),
      /^Resource Patient\/b is not known$/,
    );
    unknown(() => p.checkInteraction(target({ interaction: 'operation', type: 'Patient', id: 'b', operation: 'validate' })));
    refusal(() => p.checkInteraction(target({ interaction: 'search-type', type: 'Patient', id: 'b', compartmentType: 'Observation' })));
    policy('patient/*.rs user/*.rs', 'a').checkInteraction(
      target({ interaction: 'search-type', type: 'Patient', id: 'b', compartmentType: 'Observation' }),
    );
  });

  it('needs a patient in context for patient scopes', () => {
    assert.match(
      refusal(() => policy('patient/Observation.rs').checkInteraction(target({ interaction: 'search-type', type: 'Observation' }))),
      /patient in context/,
    );
  });

  it('lets system history through with any s scope and $lastn with s on Observation', () => {
    policy('patient/Observation.s', 'a').checkInteraction(target({ interaction: 'history-system' }));
    refusal(() => policy('patient/Observation.r', 'a').checkInteraction(target({ interaction: 'history-system' })));
    policy('patient/Observation.s', 'a').checkInteraction(target({ interaction: 'operation', type: 'Observation', operation: 'lastn' }));
    refusal(() =>
      policy('patient/Observation.r', 'a').checkInteraction(target({ interaction: 'operation', type: 'Observation', operation: 'lastn' })),
    );
  });
});

describe('allows / check on resources', () => {
  it('confines patient scopes to the compartment', () => {
    const p = policy('patient/*.cruds', 'a');
    assert.equal(p.allows('r', obs('1', 'a')), true);
    assert.equal(p.allows('r', obs('2', 'b')), false);
    assert.equal(p.allows('r', patient('a')), true);
    assert.equal(p.allows('r', patient('b')), false);
    assert.match(
      refusal(() => p.check('u', obs('2', 'b'), 'as stored')),
      /Observation\/2 \(as stored\).*outside Patient\/a's record/,
    );
  });

  it('lets patient scopes write only resources every compartment reference of which is the own patient', () => {
    const p = policy('patient/*.cruds', 'a');
    const shared: Observation = { ...obs('s', 'b'), performer: [{ reference: 'Patient/a' }] };
    assert.equal(p.allows('r', shared), true, 'a resource in two compartments is readable by either');
    for (const letter of ['c', 'u', 'd'] as const) assert.equal(p.allows(letter, shared), false);
    assert.match(
      refusal(() => p.check('c', shared)),
      /refers to Patient\/b \(subject\), outside Patient\/a's record/,
    );
    const own: Observation = { ...obs('o', 'a'), performer: [{ reference: 'Patient/a' }] };
    assert.equal(p.allows('c', own), true);
    const linked = (id: string, other: string): Patient => ({
      ...patient(id),
      link: [{ other: { reference: `Patient/${other}` }, type: 'seealso' }],
    });
    assert.match(
      refusal(() => p.check('u', linked('a', 'b'))),
      /Patient\/b \(link\)/,
    );
    assert.match(
      refusal(() => p.check('c', linked('new', 'a'))),
      /the one Patient resource this token may write/,
    );
    assert.equal(p.allows('u', patient('a')), true);
    // Unconfined scopes are not held to it.
    assert.equal(policy('user/*.cruds').allows('c', shared), true);
  });

  it('treats types outside the compartment definition by the patients they reference', () => {
    const p = policy('patient/*.cruds', 'a');
    const device = (who?: string): Device => ({
      resourceType: 'Device',
      id: 'd',
      ...(who ? { patient: { reference: `Patient/${who}` } } : {}),
    });
    const medication: Medication = { resourceType: 'Medication', id: 'm' };
    assert.equal(p.allows('c', device('a')), true);
    assert.equal(p.allows('r', device('b')), false);
    assert.equal(p.allows('r', medication), true, 'shared data is readable');
    assert.equal(p.allows('s', medication), true);
    assert.equal(p.allows('c', medication), false, 'but not writable under patient scopes');
    assert.equal(policy('user/*.cruds').allows('c', medication), true);
  });

  it('matches query constraints on read and ignores them when asked (search results)', () => {
    const p = policy(`patient/Observation.rs?category=${VITALS}`, 'a');
    assert.equal(p.allows('r', obs('1', 'a')), true);
    assert.equal(p.allows('r', obs('1', 'a', 'laboratory')), false);
    assert.equal(p.allows('s', obs('1', 'a', 'laboratory'), { constraints: false }), true);
    // A constraint that cannot be matched outside SQL (a date) never matches on read.
    assert.equal(policy('user/Observation.rs?date=ge2020').allows('r', obs('1', 'a')), false);
  });

  it('gives user and system scopes every resource of the type', () => {
    assert.equal(policy('user/Observation.r').allows('r', obs('2', 'b')), true);
    assert.equal(policy('system/Observation.r').allows('r', obs('2', 'b')), true);
    assert.equal(policy('system/*.r').allows('r', { resourceType: 'AuditEvent', id: 'x' }), false);
  });
});

describe('searchFilter', () => {
  it('ANDs the patient compartment for patient scopes', () => {
    const f = policy('patient/Observation.rs', 'a').searchFilter('Observation');
    assert.deepEqual(f.compartment, { type: 'Patient', id: 'a', params: defs.compartmentParams('Patient', 'Observation') });
    assert.deepEqual(f.constraints, []);
    assert.deepEqual(policy('patient/Patient.rs', 'a').searchFilter('Patient').compartment?.params, ['{def}', 'link']);
  });

  it('leaves user scopes and shared types unfiltered in SQL', () => {
    assert.deepEqual(policy('user/Observation.rs').searchFilter('Observation'), { constraints: [], exact: true });
    assert.deepEqual(policy('patient/Observation.rs user/Observation.rs', 'a').searchFilter('Observation'), {
      constraints: [],
      exact: true,
    });
    // Shared types are checked result by result (by the patients they reference): SQL totals would overcount.
    assert.deepEqual(policy('patient/*.rs', 'a').searchFilter('Device'), { constraints: [], exact: false });
    assert.deepEqual(policy('patient/*.rs user/Device.rs', 'a').searchFilter('Device'), { constraints: [], exact: true });
  });

  it('turns query constraints into filters, ORing scopes that constrain the same parameter', () => {
    const one = policy(`patient/Observation.rs?category=${VITALS}`, 'a').searchFilter('Observation');
    assert.deepEqual(one.constraints, [['category', VITALS]]);
    const two = policy(`patient/Observation.rs?category=${VITALS} patient/Observation.rs?category=laboratory`, 'a').searchFilter(
      'Observation',
    );
    assert.deepEqual(two.constraints, [['category', `${VITALS},laboratory`]]);
    assert.deepEqual(
      policy(`patient/Observation.rs?category=${VITALS} patient/Observation.rs`, 'a').searchFilter('Observation').constraints,
      [],
    );
    assert.match(
      refusal(() => policy(`patient/Observation.rs?category=${VITALS} patient/Observation.rs?code=1`, 'a').searchFilter('Observation')),
      /cannot combine/,
    );
  });

  it('refuses a search no scope allows', () => {
    assert.match(
      refusal(() => policy('patient/Observation.r', 'a').searchFilter('Observation')),
      /search \(s\) on Observation/,
    );
  });
});

describe('a Patient user', () => {
  const asPatientUser = (scopes: string, fhirUser: string, patientContext?: string) =>
    new AccessPolicy(
      { clientId: 'app', scopes: scopes.split(' '), fhirUser, patient: patientContext, expiresAt: Date.now() / 1000 + 60 },
      facts,
      defs,
    );

  it('reaches only their own record through user/ scopes', () => {
    const p = asPatientUser('user/Observation.rs user/Patient.rs', 'Patient/me');
    assert.ok(p.allows('r', obs('o1', 'me')));
    assert.ok(!p.allows('r', obs('o2', 'someone-else')));
    assert.ok(p.allows('r', patient('me')));
    assert.ok(!p.allows('r', patient('someone-else')));
    assert.match(
      unknown(() => p.checkInteraction(target({ interaction: 'operation', type: 'Patient', id: 'someone-else', operation: 'everything' }))),
      /Patient\/someone-else is not known/,
    );
  });

  it('gets nothing from user/ scopes when the patient in context is somebody else', () => {
    const p = asPatientUser('user/Observation.rs', 'Patient/me', 'child');
    assert.ok(!p.allows('r', obs('o1', 'me')));
    assert.ok(!p.allows('r', obs('o2', 'child')));
  });

  it('leaves a Practitioner user unconfined', () => {
    const p = new AccessPolicy(
      { clientId: 'app', scopes: ['user/Observation.rs'], fhirUser: 'Practitioner/doc', expiresAt: Date.now() / 1000 + 60 },
      facts,
      defs,
    );
    assert.ok(p.allows('r', obs('o2', 'anyone')));
  });
});

describe('wearable operations on Patient/{id}', () => {
  const importInto = (id: string) => target({ interaction: 'operation', type: 'Patient', id, operation: 'import-wearable' });
  it('need Observation create, in the own record only', () => {
    policy('patient/Observation.c', 'a').checkInteraction(importInto('a'));
    assert.match(
      refusal(() => policy('patient/Observation.c', 'a').checkInteraction(importInto('b'))),
      /Patient\/b/,
    );
    assert.match(
      refusal(() => policy('patient/Patient.c', 'a').checkInteraction(importInto('a'))),
      /Observation/,
    );
    policy('patient/Observation.c', 'a').checkInteraction(
      target({ interaction: 'operation', type: 'Patient', id: 'a', operation: 'sync-fitbit' }),
    );
  });
});
