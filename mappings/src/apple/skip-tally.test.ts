// The skip report stays small whatever the export: long reasons are cut, and past 500 different ones the rest
// are counted together.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SkipTally } from './skip-tally.js';

test('a reason of a megabyte is cut; the same long reason is still counted as one', () => {
  const t = new SkipTally('export.xml');
  const type = 'T'.repeat(1024 * 1024);
  t.drop(3, `${type} is not mapped`);
  t.drop(4, `${type} is not mapped`);
  const [only, ...rest] = t.summary();
  assert.deepEqual(rest, []);
  assert.ok(only.reason.length < 400, `${only.reason.length} characters`);
  assert.match(only.reason, /\.\.\. \(1048590 characters\)$/);
  assert.equal(only.count, 2, 'the records skipped, not the reasons');
  assert.equal(only.position, 'export.xml line 3');
});

test('past 500 different reasons, the others are counted together', () => {
  const t = new SkipTally('export.xml');
  for (let i = 0; i < 2000; i++) t.drop(i + 1, `Type${i} is not mapped`);
  const summary = t.summary();
  assert.equal(summary.length, 501);
  assert.equal(summary[500].reason, 'other reasons (beyond the first 500 different ones)');
  assert.equal(summary[500].count, 1500);
});
