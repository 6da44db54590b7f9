// Recording a pain score: checks on the form, one Observation per site, the write scope.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { canRecord, painObservations } from './pain-record.js';

const now = new Date('2026-12-01T10:00:00Z');

test('a score with two sites and a note becomes two profiled Observations by the signed-in practitioner', () => {
  const result = painObservations({ score: '7', sites: ['37822005', '45048000'], note: ' worse at night ' }, 'p1', 'Practitioner/dr', now);
  assert.ok(result.ok);
  assert.equal(result.observations.length, 2);
  const [first] = result.observations;
  assert.equal(first.valueQuantity!.value, 7);
  assert.equal(first.subject!.reference, 'Patient/p1');
  assert.deepEqual(first.performer, [{ reference: 'Practitioner/dr' }]);
  assert.deepEqual(first.note, [{ text: 'worse at night' }]);
  assert.equal(first.bodySite!.coding![0].code, '37822005');
  assert.equal(first.effectiveDateTime, '2026-12-01T10:00:00.000Z');
});

test('no site: one Observation without bodySite; bad scores, long notes and unknown sites are refused', () => {
  const result = painObservations({ score: '0', sites: [], note: '' }, 'p1', undefined, now);
  assert.ok(result.ok && result.observations.length === 1 && !result.observations[0].bodySite && !result.observations[0].note);
  for (const score of ['', '11', '-1', '5.5', 'x'])
    assert.deepEqual(painObservations({ score, sites: [], note: '' }, 'p', undefined, now), {
      ok: false,
      field: 'score',
      message: 'Choose a pain score from 0 to 10.',
    });
  assert.equal(
    (painObservations({ score: '3', sites: [], note: 'x'.repeat(2001) }, 'p', undefined, now) as { field: string }).field,
    'note',
  );
  assert.equal((painObservations({ score: '3', sites: ['123'], note: '' }, 'p', undefined, now) as { field: string }).field, 'sites');
});

test('recording needs create on Observation', () => {
  assert.equal(canRecord('launch openid patient/Observation.rs'), false);
  assert.equal(canRecord('patient/Observation.crs'), true);
  assert.equal(canRecord('user/Observation.c'), true);
  assert.equal(canRecord('patient/*.write'), true);
  assert.equal(canRecord('patient/Observation.read'), false);
  assert.equal(canRecord(undefined), false);
});
