// Unit tests of the JWKS freshness rules: lifetimes from Cache-Control and Expires, and the generation that
// changes once per stale fetch.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { JwksFreshness, lifetimeMs } from './jwks-freshness.js';

const headers = (h: Record<string, string>) => new Headers(h);
const NOW = Date.parse('2026-12-01T10:00:00Z');

test('lifetime: no-store and no-cache are 0, max-age wins over Expires, Expires counts from Date, none is 60 s', () => {
  assert.equal(lifetimeMs(headers({ 'cache-control': 'no-store' }), NOW), 0);
  assert.equal(lifetimeMs(headers({ 'cache-control': 'public, no-cache' }), NOW), 0);
  assert.equal(lifetimeMs(headers({ 'cache-control': 'public, max-age=300' }), NOW), 300_000);
  assert.equal(lifetimeMs(headers({ 'cache-control': 'max-age="120"', expires: 'Tue, 01 Dec 2026 11:00:00 GMT' }), NOW), 120_000);
  assert.equal(lifetimeMs(headers({ 'cache-control': 'max-age=soon' }), NOW), 0);
  assert.equal(lifetimeMs(headers({ expires: 'Tue, 01 Dec 2026 10:10:00 GMT', date: 'Tue, 01 Dec 2026 10:05:00 GMT' }), NOW), 300_000);
  assert.equal(lifetimeMs(headers({ expires: 'Tue, 01 Dec 2026 10:10:00 GMT' }), NOW), 600_000);
  assert.equal(lifetimeMs(headers({ expires: '0' }), NOW), 0);
  assert.equal(lifetimeMs(headers({}), NOW), 60_000);
});

test('generation: unchanged while fresh, one step per stale fetch, per URL', () => {
  let now = NOW;
  const f = new JwksFreshness(() => now);
  const url = 'https://ehr.example/jwks.json';
  assert.equal(f.generation(url), 0, 'never fetched');
  f.note(url, headers({ 'cache-control': 'max-age=60' }));
  now += 59_000;
  assert.equal(f.generation(url), 0, 'fresh');
  now += 1_000;
  assert.equal(f.generation(url), 1, 'stale: a new generation');
  assert.equal(f.generation(url), 1, 'still stale, not fetched again yet: the same one');
  f.note(url, headers({ 'cache-control': 'no-store' }));
  assert.equal(f.generation(url), 2, 'no-store: stale at once');
  assert.equal(f.generation('https://other.example/jwks.json'), 0);
  f.note('https://EHR.example/jwks.json', headers({ 'cache-control': 'no-store' }));
  assert.equal(f.generation(url), 3, 'the same URL however its host is written');
});
