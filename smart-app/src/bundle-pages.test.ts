// Bundle paging helpers: resources in order, entries without a resource skipped, the next link found.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Bundle } from 'fhir/r4.js';
import { bundleResources, nextLink } from './bundle-pages.js';

test('resources in entry order; the next link by relation', () => {
  const bundle: Bundle = {
    resourceType: 'Bundle',
    type: 'searchset',
    link: [
      { relation: 'self', url: 'http://x/fhir/Observation?a=1' },
      { relation: 'next', url: 'http://x/fhir/Observation?a=1&_cursor=2' },
    ],
    entry: [
      { resource: { resourceType: 'Patient', id: 'a' } },
      { fullUrl: 'http://x/fhir/Observation/gone' },
      { resource: { resourceType: 'Medication', id: 'm' } },
    ],
  };
  assert.deepEqual(
    bundleResources(bundle).map((r) => `${r.resourceType}/${r.id}`),
    ['Patient/a', 'Medication/m'],
  );
  assert.equal(nextLink(bundle), 'http://x/fhir/Observation?a=1&_cursor=2');
  assert.equal(nextLink({ resourceType: 'Bundle', type: 'searchset' }), undefined);
  assert.deepEqual(bundleResources({ resourceType: 'Bundle', type: 'searchset' }), []);
});
