import assert from 'node:assert/strict';
import { test } from 'node:test';
import { thrownStatus } from '../../testing/thrown-status.js';
import { detectUpload } from './detect-upload.js';
import { describeProgress } from './progress.js';

test('the bytes decide the source; a Content-Type that contradicts them is 415', () => {
  const zip = Buffer.from([0x50, 0x4b, 0x03, 0x04, 0, 0]);
  assert.equal(detectUpload('application/zip', zip, 'export.zip'), 'apple-health-zip');
  assert.equal(detectUpload('application/octet-stream', zip, 'x'), 'apple-health-zip');
  assert.equal(detectUpload(undefined, Buffer.from('{"activities-steps":[]}'), 'x'), 'fitbit');
  assert.equal(
    thrownStatus(() => detectUpload('application/xml', zip, 'x')),
    415,
  );
  assert.equal(
    thrownStatus(() => detectUpload('text/plain', zip, 'x')),
    415,
  );
  assert.equal(
    thrownStatus(() => detectUpload('application/json', Buffer.from('{"hello":1}'), 'x')),
    415,
  );
});

test('progress reads as bytes, records or batches', () => {
  assert.equal(
    describeProgress({ phase: 'validating', done: 3 * 1048576, total: 12 * 1048576, unit: 'bytes' }),
    'validating: 3.0 MiB of 12.0 MiB (25%)',
  );
  assert.equal(describeProgress({ phase: 'validating', done: 420, unit: 'records' }), 'validating: 420 records');
  assert.equal(describeProgress({ phase: 'storing', done: 1, total: 4, unit: 'batches' }), 'storing: 1 batches of 4 batches (25%)');
});
