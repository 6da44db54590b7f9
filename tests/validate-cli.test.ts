// fibrotrack validate: the server's validator offline, for integrators: readable output, non-zero exit on errors.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { test } from 'node:test';

const run = promisify(execFile);
const BIN = join(import.meta.dirname, '..', 'bin', 'fibrotrack.js');
const EXAMPLES = join(import.meta.dirname, '..', 'profiles', 'generated', 'examples');
const PAIN = 'https://fhir.fibrotrack.org/StructureDefinition/fibrotrack-pain-severity';
const fail = (code: number) => (err: { code: number }) => err.code === code;

const painExample = () =>
  JSON.parse(readFileSync(join(EXAMPLES, 'Observation-example-pain-severity.json'), 'utf8')) as Record<string, Record<string, unknown>>;
/** The pain example with another score (0 to 10 by the profile's invariant ft-pain-1). */
const scored = (value: number) => {
  const pain = painExample();
  return { ...pain, valueQuantity: { ...pain.valueQuantity, value } };
};

test('every example in a folder is valid: exit 0 and a line per file', async () => {
  const res = await run(process.execPath, [BIN, 'validate', EXAMPLES]);
  assert.match(res.stdout, /Observation-example-pain-severity\.json: valid \(0 errors/);
  assert.match(res.stdout, /\d+ files, 0 with errors/);
});

test('a broken file exits 1 and names the element, code and what is wrong', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'fibrotrack-validate-'));
  const file = join(dir, 'pain.json');
  writeFileSync(file, JSON.stringify(scored(11)));
  await assert.rejects(run(process.execPath, [BIN, 'validate', file]), (err: { code: number; stdout: string }) => {
    assert.equal(err.code, 1);
    assert.match(err.stdout, /pain\.json: INVALID \(1 errors/);
    assert.match(err.stdout, /error\s+Observation\s+\[invariant\] Observation: ft-pain-1: /);
    return true;
  });
});

test('--profile checks a profile the resource does not claim; an unknown profile or option exits 2', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'fibrotrack-validate-'));
  const file = join(dir, 'unclaimed.json');
  writeFileSync(file, JSON.stringify({ ...scored(11), meta: undefined }));
  const plain = await run(process.execPath, [BIN, 'validate', file]);
  assert.match(plain.stdout, /unclaimed\.json: valid/);
  await assert.rejects(run(process.execPath, [BIN, 'validate', file, '--profile', PAIN]), fail(1));
  await assert.rejects(run(process.execPath, [BIN, 'validate', file, '--profile', 'https://example.org/none']), fail(2));
  await assert.rejects(run(process.execPath, [BIN, 'validate', file, '--frobnicate']), fail(2));
  await assert.rejects(run(process.execPath, [BIN, 'validate']), fail(2));
});
