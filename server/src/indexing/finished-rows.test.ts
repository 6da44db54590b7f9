// The rows the search tables store are finished on the write side: clamped dates with their span class, UCUM
// quantities in canonical units (also in composites), and the resource's Patient compartments.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Resource } from 'fhir/r4.js';
import { loadR4Definitions } from '../definitions/r4-definitions.js';
import { INDEXED_MAX_MS, INDEXED_MIN_MS, MAX_SPAN_CLASS, spanClass } from '../fhir-values/date-span.js';
import { createResourceIndexer } from './resource-indexer.js';

const indexer = createResourceIndexer(loadR4Definitions(), 'http://localhost:8080/fhir');
const observation = (extra: object) =>
  ({
    resourceType: 'Observation',
    id: 'o1',
    status: 'final',
    subject: { reference: 'Patient/p1' },
    code: { coding: [{ system: 'http://loinc.org', code: '29463-7' }] },
    ...extra,
  }) as Resource;

test('a weight in kg is stored with its canonical form in grams, in quantity and composite rows alike', () => {
  const rows = indexer.rowsToStore(
    observation({ valueQuantity: { value: 80, unit: 'kg', system: 'http://unitsofmeasure.org', code: 'kg' } }),
  );
  const quantity = rows.quantity.find((r) => r.param === 'value-quantity')!;
  assert.deepEqual(quantity.canonical, { value: 80_000, code: 'g' });
  const composite = rows.composite.find((r) => r.param === 'code-value-quantity')!;
  assert.deepEqual(composite.parts[1].canonical, { value: 80_000, code: 'g' });
  assert.equal(composite.parts[0].canonical, undefined, 'a code has no canonical form');
});

test('a quantity without a UCUM code has no canonical form', () => {
  const rows = indexer.rowsToStore(observation({ valueQuantity: { value: 3, unit: 'tablets' } }));
  assert.equal(rows.quantity.find((r) => r.param === 'value-quantity')!.canonical, undefined);
});

test('a day is span class 4; an open period is clamped to the indexed range and takes the widest class', () => {
  const day = indexer.rowsToStore(observation({ effectiveDateTime: '2026-03-01' })).date.find((r) => r.param === 'date')!;
  assert.equal(day.spanClass, spanClass(86_400_000 - 1));
  assert.equal(day.spanClass, 4);
  const open = indexer.rowsToStore(observation({ effectivePeriod: { start: '0500-01-01' } })).date.find((r) => r.param === 'date')!;
  assert.deepEqual([open.start, open.end, open.spanClass], [INDEXED_MIN_MS, INDEXED_MAX_MS, MAX_SPAN_CLASS]);
});

test('a range clamped to a short one gets the class of what is stored, not of what was written', () => {
  // 0500-01-01 to 1000-01-01T00:00:00.999: stored as the last second's 999 ms of it.
  const rows = indexer.rowsToStore(observation({ effectivePeriod: { start: '0500-01-01', end: '1000-01-01T00:00:00.999Z' } }));
  const date = rows.date.find((r) => r.param === 'date')!;
  assert.deepEqual([date.start, date.end, date.spanClass], [INDEXED_MIN_MS, INDEXED_MIN_MS + 999, 1]);
});

test('the Patient compartments come with the rows; a resource in none has none', () => {
  assert.deepEqual(indexer.rowsToStore(observation({})).compartments, ['p1']);
  assert.deepEqual(indexer.rowsToStore({ resourceType: 'Basic', id: 'b', code: { text: 'x' } } as Resource).compartments, []);
});
