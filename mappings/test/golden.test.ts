// Golden files: each fixture maps to exactly its written-out Observations, Devices and skips, and mapping it
// again gives the same bytes (same identifiers: a second import creates nothing), bundle included.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { toTransactionBundle } from '../src/index.js';
import { GOLDEN, goldenCases, serialize } from './golden-cases.js';

for (const c of goldenCases) {
  test(`${c.name}: ${c.input} maps to its golden file, the same bytes every time`, async () => {
    const first = await c.run();
    const second = await c.run();
    assert.equal(serialize(first), readFileSync(`${GOLDEN}${c.name}.json`, 'utf8'));
    assert.equal(serialize(second), serialize(first));
    assert.equal(JSON.stringify(toTransactionBundle(second)), JSON.stringify(toTransactionBundle(first)));
  });
}

test('an identifier always stands for the same Observation, which refers to a Device of the same output', async () => {
  const seen = new Map<string, { name: string; json: string }>();
  for (const c of goldenCases) {
    const batch = await c.run();
    const devices = new Set(batch.devices.map((d) => `Device?identifier=${d.identifier![0].system}|${d.identifier![0].value}`));
    for (const o of batch.observations) {
      const id = o.identifier![0].value!;
      // Cases share records (the zip holds the XML case's export; two Fitbit responses cover the same day):
      // those must come out identical, or a second import would keep a stale copy.
      const other = seen.get(id);
      if (other) assert.equal(JSON.stringify(o), other.json, `${id} differs between ${c.name} and ${other.name}`);
      seen.set(id, { name: c.name, json: JSON.stringify(o) });
      assert.ok(devices.has(o.device!.reference!), `${c.name}: ${id} refers to ${o.device!.reference}`);
      assert.equal(o.subject!.reference, 'Patient/example');
      assert.equal(o.status, 'final');
    }
  }
});

test('a transaction bundle creates Devices first, each entry conditional on its identifier, urn:uuid fullUrls', async () => {
  const c = goldenCases.find((g) => g.name === 'apple-ios16-stages-dst')!;
  const batch = await c.run();
  const bundle = toTransactionBundle(batch);
  assert.equal(bundle.type, 'transaction');
  const entries = bundle.entry!;
  assert.equal(entries.length, batch.devices.length + batch.observations.length);
  assert.deepEqual(
    entries.map((e) => e.resource!.resourceType),
    [...batch.devices.map(() => 'Device'), ...batch.observations.map(() => 'Observation')],
  );
  const criteria = new Set<string>();
  for (const e of entries) {
    assert.match(e.fullUrl!, /^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.equal(e.request!.method, 'POST');
    assert.equal(e.request!.url, e.resource!.resourceType);
    const r = e.resource as { identifier: { system: string; value: string }[] };
    assert.equal(e.request!.ifNoneExist, `identifier=${r.identifier[0].system}|${r.identifier[0].value}`);
    criteria.add(`${e.request!.url}?${e.request!.ifNoneExist}`);
  }
  assert.equal(criteria.size, entries.length);
  // Each Observation's conditional device reference is exactly the criteria of a Device entry: the server
  // resolves it against the Device created in the same transaction.
  for (const e of entries.filter((x) => x.resource!.resourceType === 'Observation')) {
    assert.ok(criteria.has((e.resource as { device: { reference: string } }).device.reference));
  }
});
