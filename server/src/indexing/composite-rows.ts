// Composite search parameters (code-value-quantity, component-code-value-quantity...): each pair of
// component values found on the same root element becomes one row. https://hl7.org/fhir/R4/search.html#composite
import type { Definitions, SearchParamDef } from '../definitions/r4-definitions.js';
import { rewriteForIndexing, splitUnion } from '../definitions/search-expression.js';
import { compileParam } from './compile-param.js';
import type { CompositePart, CompositeRow, IndexRows } from './index-rows.js';
import type { StepResolver } from './path-steps.js';
import type { AddRows } from './value-rows.js';

type ComponentEval = (root: unknown) => CompositePart[];

const PLAIN_PATH = /^[A-Z][A-Za-z]+(\.[a-z][A-Za-z0-9]*)*$/;

/** Returns an evaluator that appends the composite rows of `def` for a resource, or undefined if it cannot be indexed. */
export function compileComposite(
  def: SearchParamDef,
  type: string,
  defs: Definitions,
  adders: Partial<Record<string, AddRows>>,
  resolver?: StepResolver,
): ((resource: object, out: CompositeRow[]) => void) | undefined {
  if (!def.expression || def.components.length !== 2) return undefined;
  // Roots are plain paths in R4 (Observation, Observation.component, Group.characteristic...); see wrap().
  if (!splitUnion(def.expression).every((root) => PLAIN_PATH.test(root))) return undefined;
  const componentTypes = def.components.map((c) => defs.searchParamByUrl(c.definition)?.type);
  if (componentTypes.some((t) => !t || !adders[t])) return undefined;
  const roots = splitUnion(def.expression).map((root) => {
    const components = def.components.map((c, i) => componentEvaluator(root, type, c.expression, adders[componentTypes[i]!]!, resolver));
    if (root === type) return { components, roots: (resource: object) => [resource] };
    const nodes: unknown[] = [];
    const collect = compileParam(root, type, (_t, value) => nodes.push(value), resolver);
    return {
      components,
      roots: (resource: object) => {
        nodes.length = 0;
        collect(resource);
        return [...nodes];
      },
    };
  });
  return (resource, out) => {
    for (const { components, roots: rootsOf } of roots) {
      for (const root of rootsOf(resource)) {
        // The value component first: most composites of a type (code-value-quantity, -concept, -date, -string)
        // share the code and differ in the value, which all but one find absent.
        const seconds = components[1](root);
        if (seconds.length === 0) continue;
        for (const a of components[0](root)) for (const b of seconds) out.push({ param: def.code, parts: [a, b] });
      }
    }
  };
}

/**
 * Evaluates `root.expression` on one root element at a time: the element is wrapped in a minimal resource
 * holding only it (`{resourceType, component: elem}`), so the typed fast path applies and values from
 * sibling elements cannot pair up.
 */
function componentEvaluator(root: string, type: string, expression: string, add: AddRows, resolver?: StepResolver): ComponentEval {
  // Every union member is relative to the root: `value.as(DateTime) | value.as(Period)` is two paths from it.
  const rooted = splitUnion(expression)
    .map((part) => `${root}.${rewriteForIndexing(part).expression}`)
    .join(' | ');
  const scratch = (): IndexRows => ({
    token: [],
    string: [],
    date: [],
    number: [],
    quantity: [],
    reference: [],
    uri: [],
    composite: [],
    display: [],
  });
  let rows = scratch();
  const emit = (valueType: string, value: unknown) => add(rows, '', valueType, value);
  const evaluate = compileParam(rooted, type, emit, resolver);
  const path = root === type ? [] : root.split('.').slice(1);
  const wrap = (node: unknown): object =>
    path.length === 0
      ? (node as object)
      : {
          resourceType: type,
          ...path.reduceRight<Record<string, unknown>>((inner, seg, i) => (i === path.length - 1 ? { [seg]: node } : { [seg]: inner }), {}),
        };
  return (node) => {
    rows = scratch();
    evaluate(wrap(node));
    return toParts(rows);
  };
}

function toParts(rows: IndexRows): CompositePart[] {
  const empty = { system: null, code: null, num: null, start: null, end: null };
  return [
    ...rows.token.filter((t) => t.code !== null).map((t) => ({ ...empty, system: t.system, code: t.code })),
    ...rows.quantity.map((q) => ({ ...empty, system: q.system, code: q.code ?? q.unit, num: q.value })),
    ...rows.number.map((n) => ({ ...empty, num: n.value })),
    ...rows.date.map((d) => ({ ...empty, start: d.start, end: d.end })),
    ...rows.string.map((s) => ({ ...empty, code: s.normalized })),
    ...rows.reference.map((r) => ({ ...empty, system: r.targetType, code: r.targetId ?? r.url })),
    ...rows.uri.map((u) => ({ ...empty, code: u.uri })),
  ];
}
