// Documented bounds on one search (docs/access-control-and-audit.md, "Limits"): over each, a 400 naming the limit, lenient or not; at each,
// the search still runs. 160 _sort keys answered 500 (ER_OUT_OF_SORTMEMORY) (issue 15, item 6).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { FHIR_JSON, startTestServer, type TestServer } from './support/test-server.js';

let s: TestServer;

before(async () => {
  s = await startTestServer();
  const res = await s.http
    .post('/fhir/Patient')
    .set('Content-Type', FHIR_JSON)
    .send({ resourceType: 'Patient', name: [{ family: 'Limit', given: ['Lou'] }] });
  assert.equal(res.status, 201);
});
after(async () => {
  await s.close();
});

const repeat = (part: string, n: number, sep = '&') => Array.from({ length: n }, () => part).join(sep);

async function overLimit(path: string, parameter: string, says: RegExp, lenient = false) {
  const req = s.http.get(path);
  const res = await (lenient ? req.set('Prefer', 'handling=lenient') : req);
  assert.equal(res.status, 400, `${path.slice(0, 120)}: ${res.text.slice(0, 300)}`);
  assert.equal(res.body.resourceType, 'OperationOutcome');
  const [issue] = res.body.issue;
  assert.equal(issue.code, 'too-costly');
  assert.deepEqual(issue.expression, [parameter]);
  assert.match(issue.diagnostics, says);
}

async function ok(path: string) {
  const res = await s.http.get(path);
  assert.equal(res.status, 200, `${path.slice(0, 120)}: ${res.text.slice(0, 300)}`);
  return res.body;
}

test('_sort takes at most 10 keys', async () => {
  await overLimit(`/fhir/Patient?_sort=${repeat('name', 160, ',')}`, '_sort', /_sort has 160 keys; this server sorts on at most 10/);
  await overLimit(`/fhir/Patient?_sort=${repeat('-birthdate', 11, ',')}`, '_sort', /at most 10/, true);
  assert.equal((await ok(`/fhir/Patient?_sort=${repeat('family', 10, ',')}`)).entry.length, 1);
});

test('_include and _revinclude take at most 20 values together', async () => {
  const includes = `${repeat('_include=Patient:general-practitioner', 15)}&${repeat('_revinclude=Observation:subject', 6)}`;
  await overLimit(`/fhir/Patient?${includes}`, '_revinclude', /21 _include and _revinclude values; this server takes at most 20/);
  await ok(`/fhir/Patient?${repeat('_include=Patient:general-practitioner', 10)}&${repeat('_revinclude=Observation:subject', 10)}`);
});

test('chains take at most 4 reference steps, _has at most 3 levels, and unqualified chains at most 50 branches', async () => {
  await overLimit(
    '/fhir/Observation?patient.organization.partof.partof.partof.name=x',
    'patient.organization.partof.partof.partof.name',
    /chains deeper than 4 reference steps/,
  );
  await overLimit(
    '/fhir/Observation?patient.organization.partof.partof.partof.name=x',
    'patient.organization.partof.partof.partof.name',
    /chains deeper than 4/,
    true,
  );
  await ok('/fhir/Observation?patient.organization.partof.partof.name=x');
  const has = '_has:Observation:subject:_has:Provenance:target:_has:AuditEvent:entity:_has:Provenance:target:agent';
  await overLimit(`/fhir/Patient?${has}=Patient/1`, has, /nests _has deeper than 3 levels/);
  await ok('/fhir/Patient?_has:Observation:subject:_has:Provenance:target:_has:AuditEvent:entity:agent=Patient/1');
  const mixed =
    'subject:Patient.general-practitioner:Practitioner._has:Observation:performer:_has:Provenance:target:_has:AuditEvent:entity:agent';
  await overLimit(
    `/fhir/Observation?${mixed}=Practitioner/1`,
    mixed,
    /chains deeper than 4 reference steps \(chain links and _has levels together\)/,
  );
  await ok('/fhir/Observation?subject:Patient._has:Observation:subject:_has:Provenance:target:_has:AuditEvent:entity:agent=Practitioner/1');
  // entity can refer to any of ~145 types, each with its own `subject`: thousands of joins unless the client names a type.
  await overLimit(
    '/fhir/AuditEvent?entity.subject.subject._id=1',
    'entity.subject.subject._id',
    /more than 50 chains .*name the target type/,
  );
  await ok('/fhir/AuditEvent?entity:Observation.subject:Patient._id=1');
});

test('one parameter takes at most 100 comma-separated values', async () => {
  await overLimit(`/fhir/Patient?_id=${repeat('a', 101, ',')}`, '_id', /101 comma-separated values; this server takes at most 100/);
  await overLimit(`/fhir/Observation?subject:Patient.family=${repeat('a', 101, ',')}`, 'subject:Patient.family', /at most 100/);
  // An escaped comma is part of a value, not a separator.
  await ok(`/fhir/Patient?family=${repeat('a', 100, ',')}`);
  await ok(`/fhir/Patient?family=${repeat('a\\,b', 150, ',').replace(/,(?=a)/g, '\\,')}`);
});

test('a parameter repeats at most 10 times, and a search has at most 50 criteria', async () => {
  await overLimit(`/fhir/Patient?${repeat('birthdate=ge1900', 11)}`, 'birthdate', /repeated more than 10 times/);
  assert.equal((await ok(`/fhir/Patient?${repeat('name=Lou', 10)}`)).entry.length, 1);
  const groups = ['name=Lou', 'family=Limit', 'given=Lou', '_id:missing=false', 'gender:missing=true', 'address:missing=true'];
  const criteria = groups.flatMap((p) => Array.from({ length: 9 }, () => p));
  await overLimit(`/fhir/Patient?${criteria.join('&')}`, 'address:missing', /more than 50 criteria/);
  await ok(`/fhir/Patient?${criteria.slice(0, 50).join('&')}`);
});

test('_count above 1000 is lowered to 1000 rather than refused; a negative one is 400', async () => {
  assert.equal((await ok('/fhir/Patient?_count=99999999999999999999')).entry.length, 1);
  assert.equal((await s.http.get('/fhir/Patient?_count=-5')).status, 400);
});
