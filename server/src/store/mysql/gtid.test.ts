// AppliedPositions: which client positions a replica is already known to have applied (no wait needed).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AppliedPositions, flavorOf } from './gtid.js';

test('MariaDB: a higher sequence in the same domain covers a lower one, other domains are not covered', () => {
  const applied = new AppliedPositions('mariadb');
  assert.equal(applied.covers('0-1-5'), false);
  applied.add('0-1-10');
  assert.equal(applied.covers('0-1-5'), true);
  assert.equal(applied.covers('0-2-10'), true, 'the server id does not order GTIDs');
  assert.equal(applied.covers('0-1-11'), false);
  assert.equal(applied.covers('1-1-1'), false);
  assert.equal(applied.covers('0-1-3,1-1-1'), false);
  applied.add('1-1-4');
  assert.equal(applied.covers('0-1-3,1-1-1'), true);
  assert.equal(applied.covers('not a gtid'), false);
});

test('MySQL: only a GTID set already waited for is covered', () => {
  const applied = new AppliedPositions('mysql');
  applied.add('3E11FA47-71CA-11E1-9E33-C80AA9429562:1-5');
  assert.equal(applied.covers('3E11FA47-71CA-11E1-9E33-C80AA9429562:1-5'), true);
  assert.equal(applied.covers('3E11FA47-71CA-11E1-9E33-C80AA9429562:1-6'), false);
});

test('the engine is told by its version string', () => {
  assert.equal(flavorOf('10.11.19-MariaDB-0+deb12u1-log'), 'mariadb');
  assert.equal(flavorOf('8.4.3'), 'mysql');
});
