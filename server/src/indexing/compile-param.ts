// Compiles a SearchParameter expression for indexing: fast path if it applies, else fhirpath.js. https://hl7.org/fhir/R4/searchparameter.html#expression
// Three rewrites the write path needs:
// - `x as T` on a collection throws in fhirpath.js; for indexing it means "the T values of x" (ofType).
// - `where(resolve() is T)` would fetch the target (fhirpath.js resolves asynchronously over HTTP); it means
//   "references to a T", which the reference string itself tells, so the filter runs on the results instead.
// - a FHIRPath System type in `as`/`ofType` (`DateTime`) means the FHIR primitive of that name (`dateTime`).
import fhirpath from 'fhirpath';
import r4Model from 'fhirpath/fhir-context/r4';
import { splitUnion } from '../definitions/search-expression.js';
import { compileFastPath, type Emit, type Evaluator } from './fast-path.js';
import type { StepResolver } from './path-steps.js';

export type { Emit, Evaluator } from './fast-path.js';

// `value.as(DateTime)` (Observation's code-value-date) names the FHIRPath System type; the element holds the FHIR primitive.
const FHIR_PRIMITIVE = { Boolean: 'boolean', String: 'string', Integer: 'integer', Decimal: 'decimal', Date: 'date', DateTime: 'dateTime', Time: 'time' } as const;

const RESOLVE_IS = /\.where\(resolve\(\)\s+is\s+([A-Za-z]+)\)/g;

export function rewriteForIndexing(part: string): { expression: string; targetTypes: string[] } {
  const targetTypes: string[] = [];
  let expression = part.replace(RESOLVE_IS, (_m, t: string) => {
    targetTypes.push(t);
    return '';
  });
  expression = expression
    .replace(/\(([A-Za-z][\w.]*) as ([A-Za-z]+)\)/g, '$1.ofType($2)')
    .replace(/^([A-Za-z][\w.]*) as ([A-Za-z]+)$/, '$1.ofType($2)')
    .replace(/\.(?:as|ofType)\((Boolean|String|Integer|Decimal|Date|DateTime|Time)\)/g, (_m, t: keyof typeof FHIR_PRIMITIVE) => `.ofType(${FHIR_PRIMITIVE[t]})`);
  return { expression, targetTypes };
}

/**
 * Every union member of `expression`, each through the fast path when `resolver` is given and it applies.
 * `emit` is fixed at compile time so that no closure is built per resource.
 */
export function compileParam(expression: string, type: string, emit: Emit, resolver?: StepResolver): (resource: object) => void {
  const parts = splitUnion(expression).map((part) => {
    const { expression: rewritten, targetTypes } = rewriteForIndexing(part);
    const evaluate = (resolver && compileFastPath(rewritten, type, resolver)) ?? viaFhirPath(rewritten);
    const sink: Emit = targetTypes.length === 0
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
