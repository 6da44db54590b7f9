// detectSource tells every fixture's source from its first bytes, and says nothing about other files.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { detectSource } from './index.js';

const dir = new URL('../test-fixtures/', import.meta.url);
const head = (path: string) => readFileSync(new URL(path, dir)).subarray(0, 4096);

test('each fixture is recognised from its first 4 KB', () => {
  const expected = { fitbit: 'fitbit', 'google-fit': 'google-fit' } as const;
  for (const [folder, source] of Object.entries(expected)) {
    for (const f of readdirSync(new URL(`${folder}/`, dir))) {
      assert.equal(detectSource(head(`${folder}/${f}`), f), source, f);
    }
  }
  assert.equal(detectSource(head('apple/ios16-stages-dst.xml')), 'apple-health-xml');
  assert.equal(detectSource(head('apple/tdda-export6s3sample.xml')), 'apple-health-xml');
  assert.equal(detectSource(head('apple/ios16-export.zip')), 'apple-health-zip');
  // SpO2 answers hold only dateTime and value, in whatever order.
  assert.equal(detectSource(Buffer.from('{"value":{"max":97,"avg":95.1,"min":93},"dateTime":"2026-11-20"}')), 'fitbit');
});

test('other files are not claimed', () => {
  assert.equal(detectSource(Buffer.from('{"resourceType":"Bundle"}')), undefined);
  assert.equal(detectSource(Buffer.from('<?xml version="1.0"?><ClinicalDocument/>'), 'export_cda.xml'), undefined);
  assert.equal(detectSource(Buffer.from('name,value\n')), undefined);
  assert.equal(
    detectSource(Buffer.from('<?xml version="1.0"?>\n<!-- a long header -->'), 'apple_health_export/export.xml'),
    'apple-health-xml',
  );
});
