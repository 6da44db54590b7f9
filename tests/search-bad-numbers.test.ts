// Numbers that are not finite (1e309, 1e400) in number, quantity and composite search values, and numbers whose
// precision bounds overflow, never reach SQL: a non-finite value is a 400 naming the parameter (issue 15, item 5).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { FHIR_JSON, startTestServer, type TestServer } from './support/test-server.js';

let s: TestServer;
let patientId: string;

before(async () => {
  s = await startTestServer();
  patientId = (
    await s.http
      .post('/fhir/Patient')
      .set('Content-Type', FHIR_JSON)
      .send({ resourceType: 'Patient', name: [{ family: 'Numbers' }] })
  ).body.id;
  const observation = {
    resourceType: 'Observation',
    status: 'final',
    subject: { reference: `Patient/${patientId}` },
    code: { coding: [{ system: 'http://loinc.org', code: '72514-3' }] },
    valueQuantity: { value: 7, unit: 'kg', system: 'http://unitsofmeasure.org', code: 'kg' },
  };
  assert.equal((await s.http.post('/fhir/Observation').set('Content-Type', FHIR_JSON).send(observation)).status, 201);
  const risk = {
    resourceType: 'RiskAssessment',
    status: 'final',
    subject: { reference: `Patient/${patientId}` },
    prediction: [{ probabilityDecimal: 0.25 }],
  };
  assert.equal((await s.http.post('/fhir/RiskAssessment').set('Content-Type', FHIR_JSON).send(risk)).status, 201);
});
after(async () => {
  await s.close();
});

const refused = async (path: string, parameter: string) => {
  const res = await s.http.get(path);
  assert.equal(res.status, 400, `${path}: ${res.text}`);
  assert.equal(res.body.resourceType, 'OperationOutcome');
  const [issue] = res.body.issue;
  assert.deepEqual(issue.expression, [parameter], path);
  assert.match(issue.diagnostics, new RegExp(`'${parameter.replace(/[$.]/g, '\\$&')}'.*not a finite number`), path);
};

const ids = async (path: string) => {
  const res = await s.http.get(path);
  assert.equal(res.status, 200, `${path}: ${res.text}`);
  return (res.body.entry ?? []).map((e: { resource: { id: string } }) => e.resource.id) as string[];
};

test('non-finite numbers in number and quantity parameters are 400 naming the parameter', async () => {
  for (const value of ['1e309', 'gt1e309', '1e400', '-1e309', 'le-1e400', 'ap1e309', '1e309|http://unitsofmeasure.org|kg', '1e309||kg']) {
    await refused(`/fhir/Observation?value-quantity=${encodeURIComponent(value)}`, 'value-quantity');
  }
  await refused('/fhir/RiskAssessment?probability=1e309', 'probability');
  await refused('/fhir/RiskAssessment?probability=0.1,ge1e309', 'probability');
});

test('in a composite, a chain or a _has, the parameter named is the one the client wrote', async () => {
  await refused(`/fhir/Observation?code-value-quantity=${encodeURIComponent('http://loinc.org|72514-3$gt1e309')}`, 'code-value-quantity');
  await refused('/fhir/Patient?_has:RiskAssessment:subject:probability=1e309', '_has:RiskAssessment:subject:probability');
  await refused(
    '/fhir/RiskAssessment?subject:Patient._has:Observation:subject:value-quantity=1e400',
    'subject:Patient._has:Observation:subject:value-quantity',
  );
});

test('finite numbers whose precision bounds overflow search as unbounded instead of failing', async () => {
  // eq1.7e308 spans [1.65e308, 1.75e308+): the upper end is past the largest double.
  assert.deepEqual(await ids('/fhir/Observation?value-quantity=1.7e308'), []);
  assert.deepEqual(await ids('/fhir/Observation?value-quantity=ap1.7e308'), []);
  assert.equal((await ids('/fhir/Observation?value-quantity=ne1.7e308')).length, 1);
  // 0e400 is zero, precise to 10^400: every value is within it.
  assert.equal((await ids('/fhir/Observation?value-quantity=0e400')).length, 1);
  // 1e308 Tg is 1e320 g in canonical units: beyond any double, and above the stored 7 kg.
  assert.deepEqual(await ids(`/fhir/Observation?value-quantity=${encodeURIComponent('gt1e308|http://unitsofmeasure.org|Tg')}`), []);
  assert.equal((await ids(`/fhir/Observation?value-quantity=${encodeURIComponent('lt1e308|http://unitsofmeasure.org|Tg')}`)).length, 1);
  assert.equal((await ids(`/fhir/Observation?value-quantity=${encodeURIComponent('gt-1e308|http://unitsofmeasure.org|Tg')}`)).length, 1);
  assert.equal(
    (
      await ids(
        `/fhir/Observation?code-value-quantity=${encodeURIComponent('http://loinc.org|72514-3$lt1e308|http://unitsofmeasure.org|Tg')}`,
      )
    ).length,
    1,
  );
  assert.equal((await ids('/fhir/RiskAssessment?probability=lt1.7e308')).length, 1);
  assert.equal((await ids('/fhir/RiskAssessment?probability=1e-400')).length, 0, '1e-400 is zero, which 0.25 is not');
});

test('a resource holding a number beyond a double is refused, not stored as null or a 500', async () => {
  const text = `{"resourceType":"Observation","status":"final","code":{"text":"x"},"valueQuantity":{"value":1e400,"unit":"kg"}}`;
  const res = await s.http.post('/fhir/Observation').set('Content-Type', FHIR_JSON).send(text);
  assert.ok(res.status === 400 || res.status === 422, `${res.status} ${res.text}`);
  assert.equal(res.body.resourceType, 'OperationOutcome');
  assert.match(res.body.issue[0].diagnostics, /finite/);
  assert.equal((await ids('/fhir/Observation')).length, 1, 'nothing was stored');
});
