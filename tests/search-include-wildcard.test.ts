// `_include=*` (everything the matches reference) and `_revinclude=*` (everything that references them), with the
// same authorization filtering as named includes. https://hl7.org/fhir/R4/search.html#revinclude
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { as, ids, startFixture, type Fixture } from './resource-server-fixture.js';

let f: Fixture;
let alpha: ReturnType<typeof as>;
let system: ReturnType<typeof as>;

before(async () => {
  f = await startFixture();
  alpha = as(f.server, (await f.patientToken('a', 'patient/*.rs')).access_token);
  system = as(f.server, f.system);
});
after(() => f.server.close());

test('_revinclude=* brings every resource referring to the matches, whatever its type and parameter', async () => {
  // oa1-oa3 have Patient/a as subject, ob2 as focus.
  assert.deepEqual(ids(await system.get('Patient?_id=a&_revinclude=*')), [
    'Observation/oa1',
    'Observation/oa2',
    'Observation/oa3',
    'Observation/ob2',
    'Patient/a',
  ]);
  const bundle = (await system.get('Patient?_id=a&_revinclude=*')).body;
  assert.deepEqual(bundle.entry.filter((e: { search: { mode: string } }) => e.search.mode === 'include').length, 4);
});

test('_include=* brings everything the matches refer to', async () => {
  // oa3: subject Patient/a, performer Patient/b.
  assert.deepEqual(ids(await system.get('Observation?_id=oa3&_include=*')), ['Observation/oa3', 'Patient/a', 'Patient/b']);
  assert.deepEqual(ids(await system.get('Observation?_id=oa1,ob1&_include=*&_revinclude=*')), [
    'Observation/oa1',
    'Observation/ob1',
    'Patient/a',
    'Patient/b',
  ]);
});

test('a patient token gets only what it may read among the wildcard includes', async () => {
  // ob2 is Patient/b's (a is only its focus); Patient/b is another patient.
  assert.deepEqual(ids(await alpha.get('Patient?_id=a&_revinclude=*')), [
    'Observation/oa1',
    'Observation/oa2',
    'Observation/oa3',
    'Patient/a',
  ]);
  assert.deepEqual(ids(await alpha.get('Observation?_id=oa3&_include=*')), ['Observation/oa3', 'Patient/a']);
});

test('a malformed wildcard is refused naming the parameter', async () => {
  const res = await system.get('Patient?_revinclude=**');
  assert.equal(res.status, 400, res.text);
  assert.match(
    res.body.issue[0].diagnostics,
    /_revinclude='\*\*' must look like SourceType:searchParam\[:TargetType\], SourceType:\* or \*/,
  );
});
