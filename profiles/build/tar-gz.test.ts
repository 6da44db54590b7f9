// Tests of the reproducible tar.gz writer, read back with the system's tar(1) and Node's zlib.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { tarGz } from './tar-gz.js';

const RECORDED_SHA256 = '99afdd737a577a4f2e97381806a988ef7970cca10760f11914fd5af14285225d';

const entries = [
  { name: 'package/package.json', content: Buffer.from('{"name":"x"}\n') },
  { name: 'package/example/Observation-é.json', content: Buffer.alloc(1000, 'a') },
  { name: 'package/empty.json', content: Buffer.alloc(0) },
];

test('tar(1) lists the entries in order with mode 0644, owner 0 and the fixed time, and extracts them intact', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tar-gz-test-'));
  try {
    const file = join(dir, 'p.tgz');
    writeFileSync(file, await tarGz(entries));
    const listing = execFileSync('tar', ['-tzvf', file, '--numeric-owner', '--utc'], { encoding: 'utf8' }).trim().split('\n');
    assert.equal(listing.length, 3);
    listing.forEach((line, i) => {
      assert.match(line, /^-rw-r--r-- 0\/0 /, line);
      assert.ok(line.includes('1985-10-26 08:15'), line);
      assert.ok(line.endsWith(entries[i].name), line);
    });
    execFileSync('tar', ['-xzf', file, '-C', dir]);
    for (const e of entries) assert.deepEqual(readFileSync(join(dir, e.name)), e.content, e.name);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the same entries give the same bytes, and a changed byte gives others', async () => {
  assert.deepEqual(await tarGz(entries), await tarGz(entries));
  const changed = [{ ...entries[0], content: Buffer.from('{"name":"y"}\n') }, ...entries.slice(1)];
  assert.notDeepEqual(await tarGz(changed), await tarGz(entries));
});

test('the bytes are the ones recorded: the package does not depend on the zlib Node bundles', async () => {
  const tgz = await tarGz(entries);
  assert.deepEqual(tgz.subarray(0, 10), Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 2, 3]), 'no name, no time');
  assert.deepEqual(gunzipSync(tgz).length % 512, 0);
  // Recorded with fflate 0.8.3 and tar-stream 3.2.2 (pinned): a new version that changes the bytes fails here first.
  assert.equal(createHash('sha256').update(tgz).digest('hex'), RECORDED_SHA256);
});

test('a name too long for ustar is refused', async () => {
  await assert.rejects(tarGz([{ name: `package/${'x'.repeat(100)}.json`, content: Buffer.alloc(1) }]), /longer than 100 bytes/);
});
