// Tests for reading _summary and _elements from a query. https://hl7.org/fhir/R4/search.html#summary
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OutcomeError } from '../../core/outcomes.js';
import { parseShaping } from './parse-shaping.js';

const is400OnSummary = (err: unknown) =>
  err instanceof OutcomeError && err.status === 400 && err.outcome.issue[0].expression?.[0] === '_summary';

test('no shaping parameters give an empty result', () => {
  assert.deepEqual(parseShaping({ name: 'x', _summary: undefined }), {});
});

test('every _summary mode is accepted, count included', () => {
  for (const mode of ['true', 'text', 'data', 'count', 'false']) assert.deepEqual(parseShaping({ _summary: mode }), { summary: mode });
  assert.deepEqual(parseShaping({ _summary: ['true', 'true'] }), { summary: 'true' });
});

test('an unknown or conflicting _summary is a 400 on _summary', () => {
  for (const bad of ['maybe', 'TRUE', '']) assert.throws(() => parseShaping({ _summary: bad }), is400OnSummary, bad);
  assert.throws(() => parseShaping({ _summary: ['true', 'data'] }), is400OnSummary);
});

test('_elements is split on commas, trimmed, de-duplicated, across repeats', () => {
  assert.deepEqual(parseShaping({ _elements: 'name, birthDate,,name' }), { elements: ['name', 'birthDate'] });
  assert.deepEqual(parseShaping({ _elements: ['name', 'Patient.gender'] }), { elements: ['name', 'Patient.gender'] });
  assert.deepEqual(parseShaping({ _elements: ' , ' }), {});
});
