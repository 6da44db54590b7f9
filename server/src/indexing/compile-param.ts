// Compiles a SearchParameter expression for indexing: fast path if it applies, else fhirpath.js. https://hl7.org/fhir/R4/searchparameter.html#expression
// Each part is first rewritten for indexing (definitions/search-expression.ts rewriteForIndexing).
import fhirpath from 'fhirpath';
import r4Model from 'fhirpath/fhir-context/r4';
import { rewriteForIndexing, splitUnion } from '../definitions/search-expression.js';
import { compileFastPath, type Emit, type Evaluator } from './fast-path.js';
import type { StepResolver } from './path-steps.js';

export type { Emit, Evaluator } from './fast-path.js';

/**
 * Every union member of `expression`, each through the fast path when `resolver` is given and it applies.
 * `emit` is fixed at compile time so that no closure is built per resource.
 */
export function compileParam(expression: string, type: string, emit: Emit, resolver?: StepResolver): (resource: object) => void {
  const parts = splitUnion(expression).map((part) => {
    const { expression: rewritten, targetTypes } = rewriteForIndexing(part);
    const evaluate = (resolver && compileFastPath(rewritten, type, resolver)) ?? viaFhirPath(rewritten);
    const sink: Emit =
      targetTypes.length === 0
        ? emit
        : (valueType, value) => {
            if (referencesOneOf(value, targetTypes)) emit(valueType, value);
          };
    return { evaluate, sink };
  });
  if (parts.length === 1) {
    const [{ evaluate, sink }] = parts;
    return (resource) => evaluate(resource, sink);
  }
  return (resource) => {
    for (const { evaluate, sink } of parts) evaluate(resource, sink);
  };
}

interface FhirPathNode {
  data?: unknown;
  fhirNodeDataType?: string;
}

function viaFhirPath(expression: string): Evaluator {
  const evaluate = fhirpath.compile(expression, r4Model, { resolveInternalTypes: false });
  return (resource, emit) => {
    let nodes: unknown[];
    try {
      nodes = evaluate(resource);
    } catch {
      // A valid resource must still be storable when an expression cannot evaluate on it; it is only not found by that param.
      return;
    }
    for (const node of nodes) {
      const isNode = typeof node === 'object' && node !== null && 'fhirNodeDataType' in node;
      let value = isNode ? (node as FhirPathNode).data : node;
      // A primitive with only an extension (`_given`) is a node without a value: nothing to index.
      if (value === undefined || value === null) continue;
      // fhirpath.js wraps decimals (FP_Decimal) to keep their precision; the index wants the number.
      const wrapped = value as { value?: unknown; asStr?: unknown };
      if (typeof wrapped === 'object' && typeof wrapped.value === 'number' && wrapped.asStr !== undefined) value = wrapped.value;
      emit((isNode ? (node as FhirPathNode).fhirNodeDataType : undefined) ?? typeof value, value);
    }
  };
}

/**
 * The target type is the type segment of the reference (relative, absolute or versioned); a urn or other
 * reference without one falls back to Reference.type.
 */
export function referencesOneOf(value: unknown, types: readonly string[]): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const { reference, type } = value as { reference?: unknown; type?: unknown };
  const fromReference = typeof reference === 'string' ? referenceType(reference) : undefined;
  const target = fromReference ?? (typeof type === 'string' ? type : undefined);
  return target !== undefined && types.includes(target);
}

const TYPE_SEGMENT = /(?:^|\/)([A-Z][A-Za-z]+)\/[A-Za-z0-9\-.]{1,64}(?:\/_history\/[^/]+)?$/;

function referenceType(reference: string): string | undefined {
  return TYPE_SEGMENT.exec(reference.split(/[?#]/)[0])?.[1];
}
