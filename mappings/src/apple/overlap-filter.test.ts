// IntervalSet answers "does this record share time with a kept one?" for intervals added in any order.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { IntervalSet } from './overlap-filter.js';

test('overlap means shared time: touching ends do not count, an instant counts inside or at a start', () => {
  const set = new IntervalSet();
  // Added out of order, more than the initial capacity, one long interval hiding under later starts.
  for (let i = 2000; i > 0; i--) set.add(i * 100, i * 100 + 10);
  set.add(50_000, 90_000);
  set.seal();
  assert.equal(set.overlaps(100, 110), true);
  assert.equal(set.overlaps(105, 106), true);
  assert.equal(set.overlaps(110, 200), false, 'starts where one ends, ends where the next starts');
  assert.equal(set.overlaps(150, 160), false);
  assert.equal(set.overlaps(60_005, 60_008), true, 'inside the long interval, between short ones');
  assert.equal(set.overlaps(300, 300), true, 'an instant at a start');
  assert.equal(set.overlaps(310, 310), false, 'an instant at an end');
  assert.equal(set.overlaps(0, 50), false);
  assert.equal(set.overlaps(300_000, 400_000), false);
  const empty = new IntervalSet();
  empty.seal();
  assert.equal(empty.overlaps(0, 1e15), false);
});
