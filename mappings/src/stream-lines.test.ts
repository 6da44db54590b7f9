import assert from 'node:assert/strict';
import { createReadStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, test } from 'node:test';
import { streamLines } from './stream-lines.js';

const dir = mkdtempSync(join(tmpdir(), 'stream-lines-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const collect = async (input: Readable) => {
  const out: string[] = [];
  for await (const l of streamLines(input)) out.push(l);
  return out;
};

test('lines split across chunks, CRLF, empty lines and a last line without a newline', async () => {
  const chunks = ['ab', 'c\nde', 'f\r\n\n', 'é', 'ü\nlast'];
  assert.deepEqual(await collect(Readable.from(chunks.map((c) => Buffer.from(c)))), ['abc', 'def', '', 'éü', 'last']);
  assert.deepEqual(await collect(Readable.from([Buffer.from('one\n')])), ['one']);
  assert.deepEqual(await collect(Readable.from([])), []);
});

test('a multi-byte character cut between chunks is decoded whole', async () => {
  const bytes = Buffer.from('aé\n');
  assert.deepEqual(await collect(Readable.from([bytes.subarray(0, 2), bytes.subarray(2)])), ['aé']);
});

test('the file is read only as far as the lines consumed (readline queues the whole file)', async () => {
  const path = join(dir, 'big.ndjson');
  const line = `${'x'.repeat(1 << 20)}\n`;
  writeFileSync(path, line.repeat(64));
  const input = createReadStream(path);
  let seen = 0;
  for await (const l of streamLines(input)) {
    assert.equal(l.length, 1 << 20);
    if (++seen === 2) break;
  }
  // Two 1 MiB lines consumed: a few 64 KiB chunks past them at most, not the 64 MiB file.
  assert.ok(input.bytesRead < 4 << 20, `read ${input.bytesRead} bytes for 2 lines`);
  assert.ok(input.destroyed, 'stopping early closes the file');
});
