// Compiles a SearchParameter expression for indexing with fhirpath.js, working around two things it
// does not do the way indexing needs. https://hl7.org/fhir/R4/searchparameter.html#expression
// - `x as T` on a collection throws in fhirpath.js; for indexing it means "the T values of x" (ofType).
// - `where(resolve() is T)` cannot resolve on the write path; it means "references to a T", which the
//   reference string itself tells, so the filter is applied to the results instead.
import fhirpath from 'fhirpath';
import r4Model from 'fhirpath/fhir-context/r4/index.js';
import type { Definitions } from '../definitions/r4-definitions.js';
import { splitUnion } from '../definitions/search-expression.js';
import type { ElementTree } from '../validation/element-tree.js';
import { compileFastPath } from './fast-path.js';

/** A value found by an expression, with its FHIR type as the R4 model names it. */
export interface TypedValue {
  type: string;
  value: unknown;
}

interface FhirPathNode {
  data: unknown;
  fhirNodeDataType?: string;
}

const RESOLVE_IS = /\.where\(resolve\(\)\s+is\s+([A-Za-z]+)\)/g;

export function rewriteForIndexing(part: string): { expression: string; targetTypes: string[] } {
  const targetTypes: string[] = [];
  let expression = part.replace(RESOLVE_IS, (_m, t: string) => {
    targetTypes.push(t);
    return '';
  });
  expression = expression
    .replace(/\(([A-Za-z][\w.]*) as ([A-Za-z]+)\)/g, '$1.ofType($2)')
    .replace(/^([A-Za-z][\w.]*) as ([A-Za-z]+)$/, '$1.ofType($2)');
  return { expression, targetTypes };
}

export type CompiledParam = (resource: unknown) => TypedValue[];

/** Context for the fast path; without it every expression runs through fhirpath.js. */
export interface FastPathContext {
  type: string;
  defs: Definitions;
  trees: Map<string, ElementTree | null>;
}

export function compileParam(expression: string, fast?: FastPathContext): CompiledParam {
  const parts = splitUnion(expression).map((part) => {
    const { expression: rewritten, targetTypes } = rewriteForIndexing(part);
    const evaluate = (fast && compileFastPath(rewritten, fast.type, fast.defs, fast.trees)) ?? viaFhirPath(rewritten);
    return { evaluate, targetTypes };
  });
  return (resource) => {
    const out: TypedValue[] = [];
    for (const { evaluate, targetTypes } of parts) {
      for (const typed of evaluate(resource)) {
        if (targetTypes.length > 0 && !referencesOneOf(typed.value, targetTypes)) continue;
        out.push(typed);
      }
    }
    return out;
  };
}

function viaFhirPath(expression: string): (resource: unknown) => TypedValue[] {
  const evaluate = fhirpath.compile(expression, r4Model as never, { resolveInternalTypes: false } as never) as (r: unknown) => FhirPathNode[];
  return (resource) =>
    evaluate(resource).map((node) => {
      let value = node?.data ?? node;
      // fhirpath.js wraps decimals (FP_Decimal) to keep their precision; the index wants the number.
      const wrapped = value as { value?: unknown; asStr?: unknown } | null;
      if (typeof wrapped === 'object' && wrapped !== null && typeof wrapped.value === 'number' && wrapped.asStr !== undefined) {
        value = wrapped.value;
      }
      return { type: node?.fhirNodeDataType ?? typeof value, value };
    });
}

function referencesOneOf(value: unknown, types: string[]): boolean {
  const ref = (value as { reference?: unknown })?.reference;
  if (typeof ref !== 'string') return false;
  const segments = ref.split('?')[0].split('/');
  const i = segments.indexOf('_history');
  const type = segments[(i > 0 ? i : segments.length) - 2];
  return types.includes(type);
}
