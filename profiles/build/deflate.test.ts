// Tests of the gzip encoder: whatever goes in comes back out of zlib's decoder, CRC and length included.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gunzipSync, inflateRawSync } from 'node:zlib';
import { deflateRaw, gzip } from './deflate.js';

/** A deterministic pseudo-random byte stream (xorshift), so failures reproduce. */
function noise(n: number, seed = 7): Buffer {
  const b = Buffer.alloc(n);
  let x = seed;
  for (let i = 0; i < n; i++) {
    x ^= x << 13; x ^= x >>> 17; x ^= x << 5;
    b[i] = x & 0xff;
  }
  return b;
}

const cases: Record<string, Buffer> = {
  empty: Buffer.alloc(0),
  'one byte': Buffer.from([0xff]),
  'two bytes': Buffer.from('ab'),
  'a long run (matches of 258 at distance 1)': Buffer.alloc(100_000, 'x'),
  'incompressible noise': noise(70_000),
  'noise repeated past the 32 KiB window': Buffer.concat([noise(40_000), noise(40_000), noise(5_000, 3), noise(40_000)]),
  'JSON like the package': Buffer.from(JSON.stringify(Array.from({ length: 3000 }, (_, i) => ({ id: `Observation.component:${i % 7}.value[x]`, min: i % 2, max: '1', short: 'é ✓ text' })), null, 2)),
  'every byte value, then again': Buffer.concat([Buffer.from(Array.from({ length: 256 }, (_, i) => i)), Buffer.from(Array.from({ length: 256 }, (_, i) => i))]),
};

for (const [name, data] of Object.entries(cases)) {
  test(`round trip through zlib: ${name}`, () => {
    assert.deepEqual(inflateRawSync(deflateRaw(data)), data);
    assert.deepEqual(gunzipSync(gzip(data)), data, 'gunzip checks the CRC-32 and the length');
  });
}

test('repetitive input compresses, and the same input always gives the same bytes', () => {
  const json = cases['JSON like the package'];
  assert.ok(gzip(json).length < json.length / 5, `${gzip(json).length} of ${json.length}`);
  assert.deepEqual(gzip(json), gzip(Buffer.from(json)));
  assert.deepEqual(gzip(json).subarray(0, 10), Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff]), 'no name, no time, OS unknown');
});
