// Evaluates the plain SearchParameter expressions (`Observation.code`, `Patient.name.family`,
// `Observation.value.ofType(Quantity)`) by walking the JSON with types resolved once from the
// StructureDefinitions: several times faster than fhirpath.js, which stays the fallback for anything else.
// https://hl7.org/fhirpath/N1/#path-selection
import type { Definitions } from '../definitions/r4-definitions.js';
import { buildElementTree, type ElementTree } from '../validation/element-tree.js';
import type { TypedValue } from './compile-param.js';

interface Step {
  key: string;
  /** For a choice element: JSON key suffix -> FHIR type, e.g. Quantity -> Quantity, DateTime -> dateTime. */
  choices?: Map<string, string>;
  type?: string;
}

const PLAIN = /^([A-Za-z]+)((?:\.[a-z][A-Za-z0-9]*)+)(?:\.ofType\(([A-Za-z]+)\))?$/;
const capitalize = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

export type PathEvaluator = (resource: unknown) => TypedValue[];

export function compileFastPath(expression: string, type: string, defs: Definitions, trees: Map<string, ElementTree | null>): PathEvaluator | undefined {
  const m = PLAIN.exec(expression.trim());
  if (!m) return undefined;
  const [, root, dotted, ofType] = m;
  if (root !== type && root !== 'Resource' && root !== 'DomainResource') return undefined;
  const steps = resolveSteps(type, dotted.slice(1).split('.'), ofType, defs, trees);
  return steps ? (resource) => walk(resource, steps) : undefined;
}

function treeOf(name: string, defs: Definitions, trees: Map<string, ElementTree | null>): ElementTree | null {
  if (!trees.has(name)) {
    const sd = defs.structureDefinition(name);
    trees.set(name, sd ? buildElementTree(sd) : null);
  }
  return trees.get(name)!;
}

function resolveSteps(type: string, segments: string[], ofType: string | undefined, defs: Definitions, trees: Map<string, ElementTree | null>): Step[] | undefined {
  let tree = treeOf(type, defs, trees);
  let path = type;
  const steps: Step[] = [];
  for (const [i, seg] of segments.entries()) {
    if (!tree) return undefined;
    const child = tree.children(path).find((c) => c.name === seg);
    if (!child) return undefined;
    const last = i === segments.length - 1;
    if (child.isChoice) {
      if (!last) return undefined;
      const types = ofType ? child.types.filter((t) => isTypeOrSubtype(t, ofType, defs)) : child.types;
      steps.push({ key: seg, choices: new Map(types.map((t) => [capitalize(t), t])) });
      return steps;
    }
    if (child.types.length > 1 || child.types[0] === 'Resource') return undefined;
    steps.push({ key: seg, type: child.childrenAt ? 'BackboneElement' : child.types[0] });
    if (last) {
      if (ofType && !isTypeOrSubtype(child.types[0], ofType, defs)) return undefined;
      return steps;
    }
    if (child.childrenAt) {
      path = child.childrenAt;
    } else {
      path = child.types[0];
      tree = treeOf(path, defs, trees);
    }
  }
  return undefined;
}

function walk(resource: unknown, steps: Step[]): TypedValue[] {
  let current: unknown[] = [resource];
  for (let s = 0; s < steps.length - 1; s++) current = collect(current, steps[s].key);
  const last = steps[steps.length - 1];
  const out: TypedValue[] = [];
  if (last.choices) {
    for (const node of current) {
      if (typeof node !== 'object' || node === null) continue;
      for (const [suffix, type] of last.choices) {
        for (const value of collect([node], last.key + suffix)) out.push({ type, value });
      }
    }
    return out;
  }
  for (const value of collect(current, last.key)) out.push({ type: last.type!, value });
  return out;
}

function collect(nodes: unknown[], key: string): unknown[] {
  const out: unknown[] = [];
  for (const node of nodes) {
    if (typeof node !== 'object' || node === null) continue;
    const v = (node as Record<string, unknown>)[key];
    if (v === undefined || v === null) continue;
    if (Array.isArray(v)) {
      for (const item of v) if (item !== null && item !== undefined) out.push(item);
    } else out.push(v);
  }
  return out;
}

/** FHIRPath's ofType keeps subtypes too: canonical is a uri, Age is a Quantity. */
function isTypeOrSubtype(type: string, of: string, defs: Definitions): boolean {
  for (let t: string | undefined = type; t; ) {
    if (t === of) return true;
    t = defs.structureDefinition(t)?.baseDefinition?.split('/').pop();
  }
  return false;
}
