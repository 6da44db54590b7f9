import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Resource } from 'fhir/r4.js';
import { loadR4Definitions } from '../../definitions/r4-definitions.js';
import { applyElements } from './elements.js';
import { parseShaping } from './parse-shaping.js';
import { applySummary } from './summary.js';

const defs = loadR4Definitions();
const patient = {
  resourceType: 'Patient',
  id: 'p',
  meta: { tag: [{ system: 'urn:t', code: 'keep' }] },
  text: { status: 'generated', div: '<div xmlns="http://www.w3.org/1999/xhtml">x</div>' },
  name: [{ family: 'Doe' }],
  birthDate: '1980-01-01',
  photo: [{ contentType: 'image/png' }],
  contact: [{ name: { family: 'Roe' } }],
} as unknown as Resource;
const tags = (r: Resource) => (r.meta?.tag ?? []).map((t) => t.code);

test('_summary=true keeps summary elements only and marks the result SUBSETTED', () => {
  const s = applySummary(patient, 'true', defs) as unknown as Record<string, unknown>;
  assert.deepEqual(Object.keys(s).sort(), ['birthDate', 'id', 'meta', 'name', 'resourceType']);
  assert.deepEqual(tags(s as unknown as Resource), ['keep', 'SUBSETTED']);
  assert.ok((patient as unknown as Record<string, unknown>).photo, 'input not mutated');
});

test('_summary=true keeps summary children of backbone elements and mandatory ones', () => {
  const obs = { resourceType: 'Observation', status: 'final', code: { text: 'x' }, note: [{ text: 'n' }], component: [{ code: { text: 'c' }, valueQuantity: { value: 1 }, interpretation: [{ text: 'i' }] }] } as unknown as Resource;
  const s = applySummary(obs, 'true', defs) as unknown as { note?: unknown; component: Record<string, unknown>[] };
  assert.equal(s.note, undefined);
  assert.deepEqual(Object.keys(s.component[0]).sort(), ['code', 'valueQuantity']);
});

test('_summary=text and data', () => {
  assert.deepEqual(Object.keys(applySummary(patient, 'text', defs)).sort(), ['id', 'meta', 'resourceType', 'text']);
  const data = applySummary(patient, 'data', defs) as unknown as Record<string, unknown>;
  assert.equal(data.text, undefined);
  assert.ok(data.photo);
});

test('_elements keeps the named elements; choice names work both ways; unknown names are 400', () => {
  const e = applyElements(patient, ['birthDate', 'Patient.name'], defs) as unknown as Record<string, unknown>;
  assert.deepEqual(Object.keys(e).sort(), ['birthDate', 'id', 'meta', 'name', 'resourceType']);
  const obs = { resourceType: 'Observation', status: 'final', code: { text: 'x' }, valueQuantity: { value: 1 }, note: [{ text: 'n' }] } as unknown as Resource;
  assert.ok((applyElements(obs, ['value'], defs) as unknown as Record<string, unknown>).valueQuantity);
  assert.ok((applyElements(obs, ['valueQuantity'], defs) as unknown as Record<string, unknown>).valueQuantity);
  assert.throws(() => applyElements(patient, ['nope'], defs), (err: { status: number }) => err.status === 400);
});

test('parseShaping validates _summary and splits _elements', () => {
  assert.deepEqual(parseShaping({ _summary: 'count', _elements: 'a, b' }), { summary: 'count', elements: ['a', 'b'] });
  assert.throws(() => parseShaping({ _summary: 'maybe' }), (err: { status: number }) => err.status === 400);
});
