// checkJsonLimits on its own: escapes, surrogate pairs, scopes of nested resources and the list limits.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkJsonLimits } from './json-limits.js';
import { OutcomeError } from './outcomes.js';

const refusal = (text: string, limits?: Parameters<typeof checkJsonLimits>[1]) => {
  try {
    checkJsonLimits(text, limits);
  } catch (err) {
    assert.ok(err instanceof OutcomeError);
    return `${err.status} ${err.message}`;
  }
  return 'accepted';
};

test('surrogate escapes: pairs pass, lone ones are refused with their byte offset, escaped backslashes are not escapes', () => {
  assert.equal(refusal('{"a":"\\ud83d\\ude00"}'), 'accepted');
  assert.equal(refusal('{"a":"\\\\ud800"}'), 'accepted');
  assert.equal(refusal('{"a":"\\\\\\ud83d\\ude00"}'), 'accepted');
  assert.equal(
    refusal('{"a":"é\\ud800"}'),
    '400 The string at a holds the escape \\ud800 at byte offset 8: a lone UTF-16 surrogate is not a character',
  );
  assert.match(refusal('{"a":"x\\udc00"}'), /^400 .*\\udc00 at byte offset 7/);
  assert.match(refusal('{"a":"\\ud800\\ud800"}'), /^400 /);
  assert.match(refusal('{"a":"\\"\\ud800"}'), /^400 /);
  assert.match(refusal('{"\\udfff":1}'), /^400 /);
  assert.match(refusal('{"a":["x", "\\ud800"]}'), /^400 The string at a\[1\]/);
});

test('malformed JSON is left to JSON.parse', () => {
  for (const text of ['', '{', '{"a":"\\u12"}', '"unterminated', ']]]}}}', '{"a" 1 2 3}', 'nul'])
    assert.equal(refusal(text), 'accepted', text);
});

test('each resource of a Bundle has its own element budget; entry wrappers count only in the body total', () => {
  const limits = { maxDepth: 100, maxArrayItems: 5, maxEntries: 8, maxElementsPerResource: 10, maxElementsPerBody: 200 };
  const entry = '{"request":{"method":"POST","url":"Patient"},"resource":{"resourceType":"Patient","name":[{"given":["a","b"]}]}}';
  assert.equal(refusal(`{"resourceType":"Bundle","entry":[${Array(8).fill(entry).join(',')}]}`, limits), 'accepted');
  assert.match(
    refusal(`{"resourceType":"Bundle","entry":[${Array(9).fill(entry).join(',')}]}`, limits),
    /^413 The array at entry has more than 8 items/,
  );
  assert.match(
    refusal(`{"resourceType":"Bundle","type":"x","link":[1,2,3,4,5,6]}`, limits),
    /^413 The array at link has more than 5 items/,
  );
  const big = '{"resourceType":"Patient","name":[{"given":["a","b","c","d"]},{"given":["a","b","c","d"]}]}';
  assert.match(
    refusal(`{"resourceType":"Bundle","entry":[{"resource":${big}}]}`, limits),
    /^413 The resource holding entry\[0\]\.resource\.name\[1\]\.given(\[\d\])? has more than 10 elements/,
  );
  assert.match(
    refusal(`{"resourceType":"Bundle","entry":[${Array(8).fill(entry).join(',')}]}`, { ...limits, maxElementsPerBody: 50 }),
    /^413 The body has more than 50 elements/,
  );
});

test('depth counts objects and arrays', () => {
  const limits = { maxDepth: 3, maxArrayItems: 5, maxEntries: 5, maxElementsPerResource: 100, maxElementsPerBody: 100 };
  assert.equal(refusal('{"a":[{"b":1}]}', limits), 'accepted');
  assert.match(refusal('{"a":[{"b":[]}]}', limits), /^400 The body nests deeper than 3 levels .*at a\[0\]\.b/);
});
