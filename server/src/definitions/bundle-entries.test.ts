import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { bundleResources } from './bundle-entries.js';
import { r4PackageDir } from './r4-package.js';

const wholeParse = (text: string) =>
  (JSON.parse(text).entry ?? []).flatMap((e: { resource?: unknown }) => (e.resource ? [e.resource] : []));

test('entries parsed one by one equal the whole parse, strings holding braces, quotes and other scripts included', () => {
  const bundle = {
    resourceType: 'Bundle',
    meta: { tag: [{ code: 'entry' }] },
    type: 'collection',
    link: [{ relation: 'self', url: 'http://x/{[entry]}' }],
    entry: [
      { fullUrl: 'urn:a', resource: { resourceType: 'Basic', id: 'a', text: { div: '<div>} ] \\" { [ \u00e9\u4e2d\u{1F600}</div>' } } },
      { fullUrl: 'urn:no-resource', request: { method: 'DELETE', url: 'Basic/x' } },
      { resource: { resourceType: 'Basic', id: 'b', extension: [{ url: 'u', valueString: '"entry": [{' }] } },
    ],
    signature: { data: 'e30=' },
  };
  for (const text of [JSON.stringify(bundle), JSON.stringify(bundle, null, 2)]) {
    assert.deepEqual([...bundleResources(Buffer.from(text))], wholeParse(text));
  }
  assert.deepEqual([...bundleResources(Buffer.from('{"resourceType":"Bundle","type":"collection"}'))], []);
});

test('the R4 package bundles give the same resources as parsing them whole', () => {
  for (const file of ['Bundle-searchParams.json', 'Bundle-types.json']) {
    const bytes = readFileSync(join(r4PackageDir(), file));
    const ours = [...bundleResources(bytes)];
    assert.ok(ours.length > 50, `${file}: ${ours.length} resources`);
    assert.deepEqual(ours, wholeParse(bytes.toString('utf8')));
  }
});

test('a Bundle cut short is an error, not fewer resources', () => {
  const text = JSON.stringify({
    resourceType: 'Bundle',
    entry: [{ resource: { resourceType: 'Basic', id: 'a' } }, { resource: { resourceType: 'Basic' } }],
  });
  assert.throws(() => [...bundleResources(Buffer.from(text.slice(0, -20)))], SyntaxError);
});
