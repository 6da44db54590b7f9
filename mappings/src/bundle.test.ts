// toTransactionBundle: one conditional create per identifier (a batch listing a record twice would make the
// server refuse the whole transaction), values escaped so the criteria parse back to the identifier.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mapFitbit, toTransactionBundle } from './index.js';

test('a record listed twice is sent once; identifier values with reserved characters are escaped', () => {
  const batch = mapFitbit(
    { weight: [{ logId: 'a+b c', date: '2026-11-20', time: '07:00:00', weight: 60 }] },
    { patientReference: 'Patient/p1', utcOffset: 'Z' },
  );
  const bundle = toTransactionBundle({ ...batch, observations: [...batch.observations, ...batch.observations] });
  assert.equal(bundle.entry!.length, 2);
  const ifNoneExist = bundle.entry![1].request!.ifNoneExist!;
  assert.equal(ifNoneExist, 'identifier=https://fhir.fibrotrack.org/identifier/wearable-record|fitbit:weight:a%2Bb%20c');
  assert.equal(
    new URLSearchParams(ifNoneExist).get('identifier'),
    'https://fhir.fibrotrack.org/identifier/wearable-record|fitbit:weight:a+b c',
  );
  assert.equal(bundle.entry![1].resource!.resourceType, 'Observation');
  assert.equal((bundle.entry![1].resource as { effectiveDateTime: string }).effectiveDateTime, '2026-11-20T07:00:00Z');
});
