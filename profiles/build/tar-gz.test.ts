// Tests of the reproducible tar.gz writer, read back with the system's tar(1).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { tarGz } from './tar-gz.js';

const entries = [
  { name: 'package/package.json', content: Buffer.from('{"name":"x"}\n') },
  { name: 'package/example/Observation-é.json', content: Buffer.alloc(1000, 'a') },
  { name: 'package/empty.json', content: Buffer.alloc(0) },
];

test('tar(1) lists the entries in order with mode 0644, owner 0 and the fixed time, and extracts them intact', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tar-gz-test-'));
  try {
    const file = join(dir, 'p.tgz');
    writeFileSync(file, tarGz(entries));
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

test('the same entries give the same bytes, and a changed byte gives others', () => {
  assert.deepEqual(tarGz(entries), tarGz(entries));
  const changed = [{ ...entries[0], content: Buffer.from('{"name":"y"}\n') }, ...entries.slice(1)];
  assert.notDeepEqual(tarGz(changed), tarGz(entries));
});

test('a name too long for ustar is refused', () => {
  assert.throws(() => tarGz([{ name: `package/${'x'.repeat(100)}.json`, content: Buffer.alloc(1) }]), /longer than 100 bytes/);
});
