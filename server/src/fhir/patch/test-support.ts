// Builders and assertions shared by the FHIRPath Patch tests (test-only).
// https://hl7.org/fhir/R4/fhirpatch.html
import assert from 'node:assert/strict';
import type { Parameters, ParametersParameter, Resource } from 'fhir/r4.js';
import { OutcomeError } from '../../core/outcomes.js';
import { applyFhirPathPatch } from './fhirpath-patch.js';

type Part = ParametersParameter;

export interface OpInit {
  name?: string;
  /** A `value` part: give the `value[x]` key and value, or nested parts for a complex value. */
  value?: Omit<Part, 'name'>;
  index?: number;
  source?: number;
  destination?: number;
}

export function op(type: string, path: string, init: OpInit = {}): Part {
  const part: Part[] = [
    { name: 'type', valueCode: type },
    { name: 'path', valueString: path },
  ];
  if (init.name !== undefined) part.push({ name: 'name', valueString: init.name });
  if (init.value !== undefined) part.push({ name: 'value', ...init.value });
  for (const k of ['index', 'source', 'destination'] as const) {
    if (init[k] !== undefined) part.push({ name: k, valueInteger: init[k] });
  }
  return { name: 'operation', part };
}

export const patchOf = (...parameter: Part[]): Parameters => ({ resourceType: 'Parameters', parameter });

/** Applies the patch, checking that the input resource came out untouched whatever happened. */
export function patched<T extends Resource>(input: T, ...ops: Part[]): T {
  const before = structuredClone(input);
  try {
    return applyFhirPathPatch(input, patchOf(...ops)) as T;
  } finally {
    assert.deepEqual(input, before, 'input resource was mutated');
  }
}

export function assertFails(status: number, pattern: RegExp, input: Resource, body: unknown): OutcomeError {
  const before = structuredClone(input);
  let caught: unknown;
  assert.throws(
    () => applyFhirPathPatch(input, body),
    (err: unknown) => ((caught = err), true),
  );
  assert.deepEqual(input, before, 'input resource was mutated');
  assert.ok(caught instanceof OutcomeError, `expected an OutcomeError, got ${String(caught)}`);
  assert.equal(caught.status, status, caught.message);
  assert.match(caught.outcome.issue[0].diagnostics ?? '', pattern);
  return caught;
}
