// Pain scores conforming to fibrotrack-pain-severity ({score} Quantities) are found by R4's quantity searches, as an
// EHR looking for severe pain asks; scores written as valueInteger are not. https://hl7.org/fhir/R4/observation.html#search
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { FHIR_JSON, startTestServer, type TestServer } from './support/test-server.js';

type Json = Record<string, any>;
const EXAMPLES = new URL('../profiles/generated/examples/', import.meta.url);
const example = (name: string): Json => JSON.parse(readFileSync(new URL(`${name}.json`, EXAMPLES), 'utf8'));

let s: TestServer;
const label = new Map<string, string>();

/** The profile's example (a score of 6, claiming the profile in meta.profile) with another score and no id. */
const painScore = (value: number): Json => {
  const { id: _id, ...pain } = example('Observation-example-pain-severity');
  return { ...pain, valueQuantity: { ...pain.valueQuantity, value } };
};
const post = (body: Json) => s.http.post('/fhir/Observation').set('Content-Type', FHIR_JSON).send(JSON.stringify(body));
const found = async (query: string) => {
  const res = await s.http.get(`/fhir/Observation?${query}`);
  assert.equal(res.status, 200, `${query}: ${res.text}`);
  return (
    res.body.entry
      ?.map((e: { resource: { id: string } }) => label.get(e.resource.id))
      .sort()
      .join(',') ?? ''
  );
};

before(async () => {
  s = await startTestServer();
  const patient = example('Patient-example-patient');
  assert.equal(
    (await s.http.put('/fhir/Patient/example-patient').set('Content-Type', FHIR_JSON).send(JSON.stringify(patient))).status,
    201,
  );
  const { valueQuantity: _v, meta: _m, id: _id, ...unprofiled } = example('Observation-example-pain-severity');
  const fixtures: [string, Json][] = [
    ['example', { ...example('Observation-example-pain-severity'), id: undefined }],
    ['pain3', painScore(3)],
    ['pain9', painScore(9)],
    // What the profile used to say: an integer score, outside the profile (a claimed one is refused, below).
    ['integer9', { ...unprofiled, valueInteger: 9 }],
  ];
  for (const [name, body] of fixtures) {
    const res = await post(body);
    assert.equal(res.status, 201, `${name}: ${res.text}`);
    label.set(res.body.id, name);
  }
});
after(async () => {
  await s.close();
});

test('the profile example, POSTed, is found by code-value-quantity=http://loinc.org|72514-3$gt5', async () => {
  assert.equal(await found(`code-value-quantity=${encodeURIComponent('http://loinc.org|72514-3$gt5')}`), 'example,pain9');
});

test('value-quantity=gt8 finds the severe {score} pain, not the integer one', async () => {
  assert.equal(await found('code=http://loinc.org|72514-3&value-quantity=gt8'), 'pain9');
  assert.equal(
    await found(`code=http://loinc.org|72514-3&value-quantity=${encodeURIComponent('gt8|http://unitsofmeasure.org|{score}')}`),
    'pain9',
  );
});

test('a pain score claiming the profile must be a whole-number {score} from 0 to 10 (nothing is stored otherwise)', async () => {
  const { valueQuantity: _v, ...pain } = painScore(6);
  const refused: [string, Json, RegExp][] = [
    ['integer', { ...pain, valueInteger: 6 }, /Observation.valueInteger: value\[x\] may not be of type Integer here; allowed: Quantity/],
    ['6.5', painScore(6.5), /ft-pain-1/],
    ['11', painScore(11), /ft-pain-1/],
    ['-1', painScore(-1), /ft-pain-1/],
  ];
  for (const [name, body, message] of refused) {
    const res = await post(body);
    assert.equal(res.status, 422, `${name}: ${res.text}`);
    assert.equal(res.body.resourceType, 'OperationOutcome');
    assert.ok(
      res.body.issue.some((i: Json) => message.test(i.diagnostics)),
      `${name}: ${res.text}`,
    );
  }
  const total = await s.http.get('/fhir/Observation?code=http://loinc.org|72514-3&_summary=count');
  assert.equal(total.body.total, 4, 'only the four fixtures are stored');
});
