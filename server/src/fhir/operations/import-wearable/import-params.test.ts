import assert from 'node:assert/strict';
import { test } from 'node:test';
import { thrownStatus } from '../../../testing/thrown-status.js';
import { parseImportParams, uploadFileName } from './import-params.js';

test('query parameters: zones, offsets and bestEffort checked, anything else refused by name', () => {
  assert.deepEqual(parseImportParams(new URLSearchParams('timeZone=Europe/Berlin&bestEffort=true')), {
    timeZone: 'Europe/Berlin',
    utcOffset: undefined,
    bestEffort: true,
  });
  assert.equal(parseImportParams(new URLSearchParams('utcOffset=-0530')).utcOffset, '-0530');
  assert.equal(
    thrownStatus(() => parseImportParams(new URLSearchParams('utcOffset=+25:00'))),
    400,
  );
  assert.equal(
    thrownStatus(() => parseImportParams(new URLSearchParams('bestEffort=yes'))),
    400,
  );
  assert.equal(
    thrownStatus(() => parseImportParams(new URLSearchParams('timeZone=UTC&timeZone=Europe/Paris'))),
    400,
  );
  assert.throws(() => parseImportParams(new URLSearchParams('since=2026-01-01')), /'since'/);
});

test('the upload name comes from Content-Disposition, without any directory part', () => {
  assert.equal(uploadFileName('attachment; filename="export.zip"'), 'export.zip');
  assert.equal(uploadFileName('attachment; filename=heart.json'), 'heart.json');
  assert.equal(uploadFileName("attachment; filename*=UTF-8''Jane%E2%80%99s%20export.zip"), 'Jane’s export.zip');
  assert.equal(uploadFileName('attachment; filename="../../etc/passwd"'), 'passwd');
  assert.equal(uploadFileName(undefined), undefined);
});
