// Conditions: active first, newest first, errors left out.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { conditionRows } from './conditions.js';

const CLINICAL = 'http://terminology.hl7.org/CodeSystem/condition-clinical';
const cond = (id: string, name: string, status: string | undefined, onset: string, extra: object = {}) => ({
  resourceType: 'Condition',
  id,
  code: { coding: [{ system: 'http://snomed.info/sct', code: id, display: name }] },
  ...(status ? { clinicalStatus: { coding: [{ system: CLINICAL, code: status }] } } : {}),
  onsetDateTime: onset,
  ...extra,
});

test('active conditions first, then the rest, newest onset first; entered-in-error left out', () => {
  const rows = conditionRows([
    cond('1', 'Fibromyalgia', 'active', '2019-05-01'),
    cond('2', 'Sprain of ankle', 'resolved', '2024-02-01', { abatementDateTime: '2024-03-01' }),
    cond('3', 'Chronic low back pain', 'active', '2022-01-10'),
    cond('4', 'Wrong', 'active', '2025-01-01', { verificationStatus: { coding: [{ code: 'entered-in-error' }] } }),
    cond('5', 'Headache', undefined, '2020-01-01'),
  ]);
  assert.deepEqual(
    rows.map((r) => [r.name, r.status, r.abatement ?? null]),
    [
      ['Chronic low back pain', 'Active', null],
      ['Fibromyalgia', 'Active', null],
      ['Sprain of ankle', 'Resolved', '2024-03-01'],
      ['Headache', 'Unknown', null],
    ],
  );
});
