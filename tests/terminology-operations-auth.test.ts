// Who may call the terminology operations under AUTH_MODE=smart: they read definitions only, so GET is public like
// the definitions themselves; a POST (a Parameters body) needs a token with a read or search scope on the type.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { FHIR_JSON } from './support/test-server.js';
import { as, assertForbidden, startFixture, type Fixture } from './resource-server-fixture.js';

const LOCATION = 'https://fhir.fibrotrack.org/ValueSet/fibrotrack-pain-location';
const expandBody = {
  resourceType: 'Parameters',
  parameter: [
    { name: 'url', valueUri: LOCATION },
    { name: 'count', valueInteger: 3 },
  ],
};
const lookupBody = {
  resourceType: 'Parameters',
  parameter: [
    { name: 'system', valueUri: 'http://hl7.org/fhir/administrative-gender' },
    { name: 'code', valueCode: 'male' },
  ],
};

let f: Fixture;
before(async () => {
  f = await startFixture();
});
after(() => f.server.close());

test('GET at type and instance level needs no token', async () => {
  const expanded = await f.server.http.get(`/fhir/ValueSet/$expand?url=${encodeURIComponent(LOCATION)}&count=2`);
  assert.equal(expanded.status, 200, expanded.text);
  assert.equal(expanded.body.expansion.contains.length, 2);
  const id = (await f.server.http.get(`/fhir/ValueSet?url=${encodeURIComponent(LOCATION)}`)).body.entry[0].resource.id;
  assert.equal((await f.server.http.get(`/fhir/ValueSet/${id}/$validate-code?system=http://snomed.info/sct&code=45048000`)).status, 200);
  const looked = await f.server.http.get('/fhir/CodeSystem/$lookup?system=http://hl7.org/fhir/administrative-gender&code=male');
  assert.equal(looked.status, 200, looked.text);
  assert.equal(
    (await f.server.http.get('/fhir/CodeSystem/$subsumes?system=http://hl7.org/fhir/administrative-gender&codeA=male&codeB=male')).status,
    200,
  );
  // Other operations on definitions stay behind the token.
  assert.equal((await f.server.http.get(`/fhir/ValueSet/${id}/$validate`)).status, 401);
  assert.equal((await f.server.http.get('/fhir/Observation/$expand')).status, 401);
});

test('POST needs a token, and one whose scopes cover the type', async () => {
  const none = await f.server.http.post('/fhir/ValueSet/$expand').set('Content-Type', FHIR_JSON).send(expandBody);
  assert.equal(none.status, 401, none.text);
  assert.equal(none.body.resourceType, 'OperationOutcome');
  const observationsOnly = (await f.patientToken('p1', 'patient/Observation.rs')).access_token;
  assertForbidden(
    await as(f.server, observationsOnly).post('ValueSet/$expand', expandBody),
    /do not allow read \(r\) or search \(s\) on ValueSet/,
  );
  const valueSets = (await f.userToken('user/ValueSet.rs')).access_token;
  const expanded = await as(f.server, valueSets).post('ValueSet/$expand', expandBody);
  assert.equal(expanded.status, 200, expanded.text);
  assert.equal(expanded.body.expansion.contains.length, 3);
  assertForbidden(await as(f.server, valueSets).post('CodeSystem/$lookup', lookupBody), /on CodeSystem/);
  assert.equal((await as(f.server, f.system).post('CodeSystem/$lookup', lookupBody)).status, 200);
});
