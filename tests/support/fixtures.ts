// Small hand-made resources for tests.
export const patient = (over: Record<string, unknown> = {}) => ({
  resourceType: 'Patient',
  identifier: [{ system: 'http://example.org/mrn', value: 'MRN-1' }],
  name: [{ family: 'Doe', given: ['Jane'] }],
  gender: 'female',
  birthDate: '1980-04-02',
  ...over,
});

export const painScore = (patientRef: string, score: number, when = '2026-11-01T08:00:00Z') => ({
  resourceType: 'Observation',
  status: 'final',
  category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'survey' }] }],
  code: {
    coding: [{ system: 'http://loinc.org', code: '72514-3', display: 'Pain severity - 0-10 verbal numeric rating [Score] - Reported' }],
  },
  subject: { reference: patientRef },
  effectiveDateTime: when,
  valueQuantity: { value: score, unit: '{score}', system: 'http://unitsofmeasure.org', code: '{score}' },
});

export const outcomeCode = (body: { resourceType?: string; issue?: { code?: string }[] }) => {
  if (body.resourceType !== 'OperationOutcome') throw new Error(`expected an OperationOutcome, got ${JSON.stringify(body)}`);
  return body.issue?.[0]?.code;
};
