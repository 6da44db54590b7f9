// Every OperationOutcome the server answers carries an issue code from the R4 issue-type value set and, where the
// operation-outcome CodeSystem has a message for the case, that message id: a bad value of a known parameter is
// MSG_PARAM_INVALID, an unknown parameter MSG_PARAM_UNKNOWN, several matches where one was needed multiple-matches.
// https://hl7.org/fhir/R4/operation-outcome.html https://hl7.org/fhir/R4/valueset-issue-type.html
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Response } from 'supertest';
import { painScore, patient } from './support/fixtures.js';
import { FHIR_JSON, startTestServer, type TestServer } from './support/test-server.js';

const ISSUE_TYPES = new Set([
  'invalid',
  'structure',
  'required',
  'value',
  'invariant',
  'security',
  'login',
  'unknown',
  'expired',
  'forbidden',
  'suppressed',
  'processing',
  'not-supported',
  'duplicate',
  'multiple-matches',
  'not-found',
  'deleted',
  'too-long',
  'code-invalid',
  'extension',
  'too-costly',
  'business-rule',
  'conflict',
  'transient',
  'lock-error',
  'no-store',
  'exception',
  'timeout',
  'incomplete',
  'throttled',
  'informational',
]);
// The R4 operation-outcome CodeSystem (http://terminology.hl7.org/CodeSystem/operation-outcome).
const MESSAGE_IDS = new Set([
  'DELETE_MULTIPLE_MATCHES',
  'MSG_AUTH_REQUIRED',
  'MSG_BAD_FORMAT',
  'MSG_BAD_SYNTAX',
  'MSG_CANT_PARSE_CONTENT',
  'MSG_CANT_PARSE_ROOT',
  'MSG_CREATED',
  'MSG_DATE_FORMAT',
  'MSG_DELETED',
  'MSG_DELETED_DONE',
  'MSG_DELETED_ID',
  'MSG_DUPLICATE_ID',
  'MSG_ERROR_PARSING',
  'MSG_ID_INVALID',
  'MSG_ID_TOO_LONG',
  'MSG_INVALID_ID',
  'MSG_JSON_OBJECT',
  'MSG_LOCAL_FAIL',
  'MSG_NO_EXIST',
  'MSG_NO_MATCH',
  'MSG_NO_MODULE',
  'MSG_NO_SUMMARY',
  'MSG_OP_NOT_ALLOWED',
  'MSG_PARAM_CHAINED',
  'MSG_PARAM_INVALID',
  'MSG_PARAM_MODIFIER_INVALID',
  'MSG_PARAM_NO_REPEAT',
  'MSG_PARAM_UNKNOWN',
  'MSG_REMOTE_FAIL',
  'MSG_RESOURCE_EXAMPLE_PROTECTED',
  'MSG_RESOURCE_ID_FAIL',
  'MSG_RESOURCE_ID_MISMATCH',
  'MSG_RESOURCE_ID_MISSING',
  'MSG_RESOURCE_NOT_ALLOWED',
  'MSG_RESOURCE_REQUIRED',
  'MSG_RESOURCE_TYPE_MISMATCH',
  'MSG_SORT_UNKNOWN',
  'MSG_TRANSACTION_DUPLICATE_ID',
  'MSG_TRANSACTION_MISSING_ID',
  'MSG_UNHANDLED_NODE_TYPE',
  'MSG_UNKNOWN_CONTENT',
  'MSG_UNKNOWN_OPERATION',
  'MSG_UNKNOWN_TYPE',
  'MSG_UPDATED',
  'MSG_VERSION_AWARE',
  'MSG_VERSION_AWARE_CONFLICT',
  'MSG_VERSION_AWARE_URL',
  'MSG_WRONG_NS',
  'SEARCH_MULTIPLE',
  'SEARCH_NONE',
  'UPDATE_MULTIPLE_MATCHES',
  'MSG_ALL_OK',
]);

let s: TestServer;
let ann = '';
const json = (r: ReturnType<TestServer['http']['post']>, body: unknown) => r.set('Content-Type', FHIR_JSON).send(JSON.stringify(body));

interface Issue {
  code: string;
  details?: { coding?: { system?: string; code?: string }[] };
}
/** Status, issue code and message id of the first issue, after checking every issue against the value sets. */
function outcomeOf(res: Response): [number, string, string | undefined] {
  assert.equal(res.body.resourceType, 'OperationOutcome', res.text);
  for (const i of res.body.issue as Issue[]) {
    assert.ok(ISSUE_TYPES.has(i.code), `issue code '${i.code}' is not in the R4 issue-type value set`);
    for (const c of i.details?.coding ?? []) {
      assert.equal(c.system, 'http://terminology.hl7.org/CodeSystem/operation-outcome');
      assert.ok(MESSAGE_IDS.has(c.code!), `'${c.code}' is not in the operation-outcome CodeSystem`);
    }
  }
  const first = res.body.issue[0] as Issue;
  return [res.status, first.code, first.details?.coding?.[0]?.code];
}
const get = async (path: string) => outcomeOf(await s.http.get(path));

before(async () => {
  s = await startTestServer();
  ann = (await json(s.http.post('/fhir/Patient'), patient())).body.id;
  for (let i = 0; i < 2; i++) await json(s.http.post('/fhir/Observation'), painScore(`Patient/${ann}`, 3));
});
after(async () => {
  await s.close();
});

describe('a bad value of a known parameter is MSG_PARAM_INVALID', () => {
  for (const query of [
    'date=gtbanana',
    '_count=-1',
    '_count=ten',
    'value-quantity=abc',
    '_total=maybe',
    '_summary=bogus',
    '_elements=nosuchelement',
    '_sort=code-value-quantity',
    '_cursor=notacursor',
    '_include=Observation',
    'component-code-value-quantity=x',
  ]) {
    test(`Observation?${query}`, async () => {
      assert.deepEqual(await get(`/fhir/Observation?${query}`), [400, 'value', 'MSG_PARAM_INVALID']);
    });
  }
  test('history _since=banana', async () => {
    assert.deepEqual(await get('/fhir/Observation/_history?_since=banana'), [400, 'value', 'MSG_PARAM_INVALID']);
  });
  test('$lastn max=0', async () => {
    assert.deepEqual(await get(`/fhir/Observation/$lastn?patient=${ann}&category=survey&max=0`), [400, 'value', 'MSG_PARAM_INVALID']);
  });
});

describe('what the server does not know is named as such', () => {
  test('an unknown search parameter is MSG_PARAM_UNKNOWN', async () => {
    assert.deepEqual(await get('/fhir/Observation?banana=1'), [400, 'not-supported', 'MSG_PARAM_UNKNOWN']);
    assert.deepEqual(await get('/fhir/Observation/_history?banana=1'), [400, 'not-supported', 'MSG_PARAM_UNKNOWN']);
  });
  test('an unknown modifier is MSG_PARAM_MODIFIER_INVALID', async () => {
    assert.deepEqual(await get('/fhir/Observation?code:banana=1'), [400, 'not-supported', 'MSG_PARAM_MODIFIER_INVALID']);
  });
  test('a chain that cannot be followed is MSG_PARAM_CHAINED', async () => {
    assert.deepEqual(await get('/fhir/Observation?subject:Patient.banana=1'), [400, 'not-supported', 'MSG_PARAM_CHAINED']);
    assert.deepEqual(await get('/fhir/Observation?status.name=x'), [400, 'not-supported', 'MSG_PARAM_CHAINED']);
  });
  test('_sort on an unknown parameter is MSG_SORT_UNKNOWN', async () => {
    assert.deepEqual(await get('/fhir/Observation?_sort=banana'), [400, 'not-supported', 'MSG_SORT_UNKNOWN']);
  });
  test('an unknown type and an unknown id', async () => {
    assert.deepEqual(await get('/fhir/Banana/1'), [404, 'not-supported', 'MSG_UNKNOWN_TYPE']);
    assert.deepEqual(await get('/fhir/Patient/nosuchpatient'), [404, 'not-found', 'MSG_NO_EXIST']);
    assert.deepEqual(await get('/fhir/Patient/bad$id'), [400, 'invalid', 'MSG_ID_INVALID']);
  });
});

describe('writes', () => {
  test('a body of the wrong type, a missing or different id', async () => {
    assert.deepEqual(outcomeOf(await json(s.http.post('/fhir/Observation'), patient())), [400, 'invalid', 'MSG_RESOURCE_TYPE_MISMATCH']);
    assert.deepEqual(outcomeOf(await json(s.http.put(`/fhir/Patient/${ann}`), patient())), [400, 'invalid', 'MSG_RESOURCE_ID_MISSING']);
    assert.deepEqual(outcomeOf(await json(s.http.put(`/fhir/Patient/${ann}`), patient({ id: 'other' }))), [
      400,
      'invalid',
      'MSG_RESOURCE_ID_MISMATCH',
    ]);
  });
  test('conditional interactions matching several resources are 412 multiple-matches', async () => {
    const criteria = `patient=${ann}`;
    assert.deepEqual(outcomeOf(await json(s.http.put(`/fhir/Observation?${criteria}`), painScore(`Patient/${ann}`, 1))), [
      412,
      'multiple-matches',
      'UPDATE_MULTIPLE_MATCHES',
    ]);
    assert.deepEqual(outcomeOf(await s.http.delete(`/fhir/Observation?${criteria}`)), [412, 'multiple-matches', 'DELETE_MULTIPLE_MATCHES']);
    assert.deepEqual(
      outcomeOf(await json(s.http.post('/fhir/Observation').set('If-None-Exist', criteria), painScore(`Patient/${ann}`, 1))),
      [412, 'multiple-matches', 'SEARCH_MULTIPLE'],
    );
  });
  test("a transaction's conditional reference matching nothing is MSG_NO_MATCH", async () => {
    const obs = painScore('Patient?identifier=http://example.org/mrn|nobody', 2);
    const bundle = {
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [{ resource: obs, request: { method: 'POST', url: 'Observation' } }],
    };
    assert.deepEqual(outcomeOf(await json(s.http.post('/fhir'), bundle)), [412, 'not-found', 'MSG_NO_MATCH']);
  });
  test('a stale If-Match is a version conflict', async () => {
    const res = await json(s.http.put(`/fhir/Patient/${ann}`).set('If-Match', 'W/"99"'), patient({ id: ann }));
    assert.deepEqual(outcomeOf(res), [412, 'conflict', 'MSG_VERSION_AWARE_CONFLICT']);
  });
});
