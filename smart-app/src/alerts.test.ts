// Open pain alerts: which scores are alerts, which Flags acknowledge them, the acknowledgement Flag, the searches.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Flag, Observation } from 'fhir/r4.js';
import {
  acknowledgementFlag,
  acknowledgementsUrl,
  alertScoresUrl,
  alertsByPatient,
  FLAG_DETAIL,
  openAlerts,
  patientIdsOf,
  SEVERE_PAIN,
} from './alerts.js';

const NOW = new Date('2026-12-07T12:00:00Z');
const pain = (id: string, score: number, when: string, patient = 'p1', extra: Partial<Observation> = {}): Observation => ({
  resourceType: 'Observation',
  id,
  status: 'final',
  code: { coding: [{ system: 'http://loinc.org', code: '72514-3' }] },
  subject: { reference: `Patient/${patient}` },
  effectiveDateTime: when,
  valueQuantity: { value: score },
  ...extra,
});
const ack = (obs: string, patient = 'p1', status: Flag['status'] = 'inactive', author = 'Practitioner/dr'): Flag => ({
  resourceType: 'Flag',
  status,
  author: { reference: author },
  code: { coding: [SEVERE_PAIN] },
  subject: { reference: `Patient/${patient}` },
  extension: [{ url: FLAG_DETAIL, valueReference: { reference: `Observation/${obs}` } }],
});

test('an alert is a score above 8 in the last 30 days, newest first; 8 itself, older ones and errors are not', () => {
  const obs = [
    pain('a', 9, '2026-12-01T10:00:00Z'),
    pain('b', 8, '2026-12-06T10:00:00Z'),
    pain('c', 10, '2026-12-06T11:00:00Z'),
    pain('d', 10, '2026-10-01T10:00:00Z'),
    pain('e', 10, '2026-12-05T10:00:00Z', 'p1', { status: 'entered-in-error' }),
    pain('f', 10, '2026-12-08T10:00:00Z'),
  ];
  assert.deepEqual(
    openAlerts(obs, [], NOW).map((a) => [a.id, a.score, a.patient]),
    [
      ['c', 10, 'Patient/p1'],
      ['a', 9, 'Patient/p1'],
    ],
  );
});

test('a Flag naming the score acknowledges it, only for the same patient and unless entered in error', () => {
  const obs = [pain('a', 9, '2026-12-01T10:00:00Z'), pain('b', 9, '2026-12-02T10:00:00Z'), pain('c', 9, '2026-12-03T10:00:00Z', 'p2')];
  const ids = (flags: Flag[]) => openAlerts(obs, flags, NOW).map((a) => a.id);
  assert.deepEqual(ids([ack('a')]), ['c', 'b']);
  assert.deepEqual(ids([ack('a', 'p2')]), ['c', 'b', 'a'], "another patient's Flag does not acknowledge it");
  assert.deepEqual(ids([ack('a', 'p1', 'entered-in-error')]), ['c', 'b', 'a']);
  assert.deepEqual(ids([ack('a', 'p1', 'inactive', 'Patient/p1')]), ['c', 'b', 'a'], "the patient's own Flag does not");
  assert.deepEqual(ids([ack('a', 'p1', 'inactive', 'PractitionerRole/r')]), ['c', 'b']);
  assert.deepEqual(ids([ack('c', 'p2'), ack('b')]), ['a']);
});

test('the acknowledgement is an inactive Flag about the patient, its period the alert, naming the score and the author', () => {
  const [alert] = openAlerts([pain('a', 9, '2026-12-01T10:00:00Z')], [], NOW);
  const flag = acknowledgementFlag(alert, 'Practitioner/dr', NOW);
  assert.equal(flag.status, 'inactive');
  assert.deepEqual(flag.subject, { reference: 'Patient/p1' });
  assert.deepEqual(flag.period, { start: '2026-12-01T10:00:00Z', end: NOW.toISOString() });
  assert.deepEqual(flag.author, { reference: 'Practitioner/dr' });
  assert.deepEqual(flag.extension, [{ url: FLAG_DETAIL, valueReference: { reference: 'Observation/a' } }]);
  assert.equal(flag.code.coding![0].code, '76948002');
  // It acknowledges what it was made for.
  assert.deepEqual(openAlerts([pain('a', 9, '2026-12-01T10:00:00Z')], [flag], NOW), []);
  assert.equal(acknowledgementFlag(alert, undefined, NOW).author, undefined);
  assert.equal(openAlerts([pain('a', 9, '2026-12-01T10:00:00Z')], [acknowledgementFlag(alert, undefined, NOW)], NOW).length, 1);
});

test('the searches: one patient, or every patient with their Patients included; acknowledgements by patient', () => {
  const one = new URL(alertScoresUrl('p1', NOW), 'http://x/');
  assert.equal(one.searchParams.get('patient'), 'p1');
  assert.equal(one.searchParams.get('value-quantity'), 'gt8');
  assert.equal(one.searchParams.get('code'), 'http://loinc.org|72514-3');
  assert.equal(one.searchParams.get('date'), 'ge2026-11-07T12:00:00.000Z');
  assert.equal(one.searchParams.get('_sort'), '-date');
  assert.equal(one.searchParams.get('_include'), null);
  const all = new URL(alertScoresUrl(undefined, NOW), 'http://x/');
  assert.equal(all.searchParams.get('patient'), null);
  assert.equal(all.searchParams.get('_include'), 'Observation:subject');
  const flags = new URL(acknowledgementsUrl(['p1', 'p2'], NOW), 'http://x/');
  assert.equal(flags.pathname, '/Flag');
  assert.equal(flags.searchParams.get('patient'), 'p1,p2');
});

test('the cross-patient list groups alerts by patient in order of their newest alert', () => {
  const alerts = openAlerts(
    [pain('a', 9, '2026-12-01T10:00:00Z', 'p1'), pain('b', 10, '2026-12-05T10:00:00Z', 'p2'), pain('c', 9, '2026-12-03T10:00:00Z', 'p1')],
    [],
    NOW,
  );
  assert.deepEqual(patientIdsOf(alerts), ['p2', 'p1']);
  const groups = alertsByPatient(alerts, [{ resourceType: 'Patient', id: 'p1', name: [{ family: 'Doe' }] }]);
  assert.deepEqual(
    groups.map((g) => [g.patient, g.resource?.id, g.alerts.map((a) => a.id)]),
    [
      ['Patient/p2', undefined, ['b']],
      ['Patient/p1', 'p1', ['c', 'a']],
    ],
  );
});
