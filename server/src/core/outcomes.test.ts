// The outcome catalog decides every status: a failure's code maps to one HTTP status, and back for stored answers.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  OUTCOME_STATUS,
  OutcomeError,
  badGateway,
  failure,
  gone,
  invalidResource,
  issue,
  notFound,
  outcome,
  outcomeCodeOf,
  payloadTooLarge,
  unsupportedMediaType,
} from './outcomes.js';

test('each code has its status, and the named failures carry the code that gives theirs', () => {
  assert.equal(failure('unsupported-media-type', { code: 'not-supported', diagnostics: 'x' }).status, 415);
  assert.equal(failure('bad-gateway', { code: 'transient', diagnostics: 'x' }).status, 502);
  assert.equal(new OutcomeError('internal', outcome(issue({ code: 'incomplete', diagnostics: 'x' }))).status, 500);
  const named: [OutcomeError, string, number][] = [
    [notFound('Patient', 'p'), 'not-found', 404],
    [gone('Patient', 'p', '2'), 'gone', 410],
    [payloadTooLarge(10), 'too-large', 413],
    [unsupportedMediaType('text/plain'), 'unsupported-media-type', 415],
    [badGateway('Fitbit did not answer'), 'bad-gateway', 502],
    [invalidResource([issue({ code: 'invariant', diagnostics: 'x' })], 'unprocessable'), 'unprocessable', 422],
    [invalidResource([issue({ code: 'invariant', diagnostics: 'x' })]), 'invalid', 400],
  ];
  for (const [err, code, status] of named) assert.deepEqual([err.code, err.status], [code, status], err.message);
});

test('a status stored with an answer (a finished job) finds its code again', () => {
  for (const [code, status] of Object.entries(OUTCOME_STATUS)) assert.equal(OUTCOME_STATUS[outcomeCodeOf(status)], status, code);
  assert.equal(outcomeCodeOf(422), 'unprocessable');
  assert.throws(() => outcomeCodeOf(418), /No outcome code has status 418/);
});
