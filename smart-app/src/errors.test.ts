// Error states: what a provider reads for 401, 403, a denied consent, a page opened without a launch.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeProblem, toErrorLike } from './errors.js';

test('401 is an expired session; 403 names the data that was refused', () => {
  assert.equal(describeProblem({ status: 401 }, 'pain scores').kind, 'expired');
  const forbidden = describeProblem({ status: 403, diagnostics: 'scope does not allow MedicationStatement' }, 'medications');
  assert.equal(forbidden.kind, 'forbidden');
  assert.equal(forbidden.title, 'Not permitted to view medications');
  assert.match(forbidden.detail, /403.*Server said: scope does not allow MedicationStatement/);
  assert.equal(
    describeProblem({ status: 400, message: '400 Bad Request\nURL: http://x/auth/token\ninvalid_grant: grant request is invalid' }).kind,
    'expired',
  );
  assert.equal(describeProblem({ status: 400, message: '400 Bad Request\n\n{}' }, 'vitals').kind, 'other');
  assert.equal(describeProblem({ status: 503 }, 'x').kind, 'server');
  assert.equal(describeProblem({ status: 404 }, 'the patient').title, 'The patient not found');
});

test('fhirclient messages: no launch, denied authorization, expired session, network', () => {
  assert.equal(describeProblem({ message: "No 'state' parameter found. Please (re)launch the app." }).kind, 'not-launched');
  assert.match(
    describeProblem({ message: 'No server url found. It must be specified as `iss` or as `fhirServiceUrl` parameter' }).detail,
    /iss and launch/,
  );
  const denied = describeProblem({ message: 'access_denied: End-User aborted interaction' });
  assert.equal(denied.kind, 'denied');
  assert.match(denied.detail, /End-User aborted interaction/);
  assert.equal(describeProblem({ message: 'invalid_grant: grant request is invalid\nYour session has expired' }).kind, 'expired');
  assert.equal(describeProblem({ message: 'Failed to fetch' }, 'vitals').title, 'Could not reach the server for vitals');
  assert.equal(describeProblem({ message: 'boom\nstack' }, 'vitals').detail, 'boom');
});

test('toErrorLike reads status and OperationOutcome diagnostics from fhirclient HttpError', () => {
  const body = {
    resourceType: 'OperationOutcome',
    issue: [{ severity: 'error', code: 'forbidden', diagnostics: 'no scope for Observation' }],
  };
  const err = Object.assign(new Error(`403 Forbidden\nURL: http://x/fhir/Observation\n\n${JSON.stringify(body, null, 4)}`), {
    status: 403,
  });
  assert.deepEqual(toErrorLike(err), { message: err.message, status: 403, diagnostics: 'no scope for Observation' });
  assert.deepEqual(toErrorLike(Object.assign(new Error('500 x\n\n{not json'), { status: 500 })), {
    message: '500 x\n\n{not json',
    status: 500,
  });
  assert.deepEqual(toErrorLike('plain'), { message: 'plain' });
});
