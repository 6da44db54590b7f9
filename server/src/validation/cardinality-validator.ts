// Required elements (min >= 1) of the base R4 StructureDefinitions, checked wherever their parent occurs,
// down through backbone elements and complex datatypes. https://hl7.org/fhir/R4/conformance-rules.html#cardinality
import type { OperationOutcomeIssue } from 'fhir/r4.js';
import { issue } from '../core/outcomes.js';
import type { Definitions } from '../definitions/r4-definitions.js';
import { buildElementTree, type ChildElement, type ElementTree } from './element-tree.js';

type Obj = Record<string, unknown>;

export type CardinalityValidator = (resource: Obj, type: string, at?: string) => OperationOutcomeIssue[];

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isComplexType = (t: string) => /^[A-Z]/.test(t) && t !== 'Resource';

export function createCardinalityValidator(defs: Definitions): CardinalityValidator {
  const trees = new Map<string, ElementTree | null>();
  const treeOf = (type: string): ElementTree | null => {
    if (!trees.has(type)) {
      const sd = defs.structureDefinition(type);
      trees.set(type, sd ? buildElementTree(sd) : null);
    }
    return trees.get(type)!;
  };

  const walk = (node: Obj, tree: ElementTree, path: string, at: string, out: OperationOutcomeIssue[]): void => {
    for (const child of tree.children(path)) {
      const keys = keysOf(node, child);
      if (child.min > 0 && keys.length === 0) {
        out.push(issue({
          code: 'required',
          diagnostics: `${at}.${child.name}: minimum required = ${child.min}, but only found 0`,
          expression: `${at}.${child.name}`,
        }));
      }
      for (const key of keys) {
        const value = node[key];
        const items = Array.isArray(value) ? value : [value];
        items.forEach((item, i) => {
          if (!isObj(item)) return;
          const itemAt = `${at}.${key}${Array.isArray(value) ? `[${i}]` : ''}`;
          descend(item, child, key, itemAt, out);
        });
      }
    }
  };

  const descend = (item: Obj, child: ChildElement, key: string, at: string, out: OperationOutcomeIssue[]): void => {
    if (child.childrenAt) {
      const root = child.childrenAt.split('.')[0];
      const tree = treeOf(root);
      if (tree) walk(item, tree, child.childrenAt, at, out);
      return;
    }
    const type = child.isChoice ? key.slice(child.name.length) : child.types[0];
    if (!type || !isComplexType(type)) return;
    const tree = treeOf(type);
    if (tree) walk(item, tree, type, at, out);
  };

  return (resource, type, at = type) => {
    const tree = treeOf(type);
    const out: OperationOutcomeIssue[] = [];
    if (tree) walk(resource, tree, type, at, out);
    return out;
  };
}

/** JSON keys carrying the element: `name`, `_name` (a primitive with only an extension), or `nameType` for choices. */
function keysOf(node: Obj, child: ChildElement): string[] {
  if (!child.isChoice) {
    return node[child.name] !== undefined ? [child.name] : node[`_${child.name}`] !== undefined ? [`_${child.name}`] : [];
  }
  return Object.keys(node).filter((k) => k.startsWith(child.name) && /^[A-Z]/.test(k.slice(child.name.length)));
}
