// A compact tree, per resource type, of what cardinality validation needs from the base StructureDefinition
// snapshots: required children per element, and which JSON keys lead to elements that can hold more.
// https://hl7.org/fhir/R4/elementdefinition-definitions.html#ElementDefinition.min
import type { ElementDefinition } from 'fhir/r4.js';
import type { Definitions } from '../definitions/r4-definitions.js';

export interface RequiredChild {
  /** Element name as the spec writes it: `code`, or `value[x]` for a choice. */
  label: string;
  /** FHIRPath name: `code`, or `value` for a choice. */
  name: string;
  min: number;
  /** Every JSON key that carries the element: `code`, `_status`, `valueQuantity`, `_valueString`... */
  keys: string[];
}

/** Marks an element whose value is a whole resource (contained, Bundle.entry.resource...): its own resourceType decides. */
export const ANY_RESOURCE = 'resource';

export interface Edge {
  /** Where to continue below this key; undefined for primitives, which hold nothing more. */
  target?: NodeSpec | typeof ANY_RESOURCE;
  /** For choice keys: the element label (`value[x]`), of which at most one type may be present. */
  choice?: string;
  /** For choice keys: the key without its `_`, so that `valueString` and `_valueString` count once. */
  choiceKey?: string;
}

export interface NodeSpec {
  required: RequiredChild[];
  edges: Map<string, Edge>;
}

const upperFirst = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

export function createRequiredTrees(defs: Definitions): (type: string) => NodeSpec | undefined {
  const byParent = new Map<string, Map<string, ElementDefinition[]> | null>();
  const specs = new Map<string, NodeSpec>();

  const childrenIn = (sdType: string): Map<string, ElementDefinition[]> | null => {
    let index = byParent.get(sdType);
    if (index === undefined) {
      const sd = defs.structureDefinition(sdType);
      index = sd ? new Map() : null;
      for (const e of sd?.snapshot?.element ?? []) {
        const dot = e.path.lastIndexOf('.');
        if (dot < 0) continue;
        const parent = e.path.slice(0, dot);
        const siblings = index!.get(parent);
        if (siblings) siblings.push(e);
        else index!.set(parent, [e]);
      }
      byParent.set(sdType, index);
    }
    return index;
  };

  const isComplex = (type: string) => defs.structureDefinition(type)?.kind === 'complex-type';
  const isPrimitive = (type: string) => defs.structureDefinition(type)?.kind === 'primitive-type';

  // Built depth-first with the spec registered before its children, so recursive types (Extension.extension,
  // Questionnaire.item.item) end in a cycle instead of an endless descent.
  const specOf = (sdType: string, path: string): NodeSpec | undefined => {
    const memoKey = `${sdType}|${path}`;
    const known = specs.get(memoKey);
    if (known) return known;
    const index = childrenIn(sdType);
    if (!index) return undefined;
    const spec: NodeSpec = { required: [], edges: new Map() };
    specs.set(memoKey, spec);
    for (const e of index.get(path) ?? []) addChild(spec, e, sdType, index);
    return spec;
  };

  const targetOf = (e: ElementDefinition, type: string, sdType: string, index: Map<string, ElementDefinition[]>): Edge['target'] => {
    if (e.contentReference) {
      const ref = e.contentReference.slice(e.contentReference.indexOf('#') + 1);
      return specOf(ref.split('.')[0], ref);
    }
    if (index.has(e.path)) return specOf(sdType, e.path);
    if (type === 'Resource') return ANY_RESOURCE;
    return isComplex(type) ? specOf(type, type) : undefined;
  };

  const addChild = (spec: NodeSpec, e: ElementDefinition, sdType: string, index: Map<string, ElementDefinition[]>): void => {
    const raw = e.path.slice(e.path.lastIndexOf('.') + 1);
    const isChoice = raw.endsWith('[x]');
    const name = isChoice ? raw.slice(0, -3) : raw;
    const types = (e.type ?? []).map((t) => t.code);
    const keys: string[] = [];
    const add = (key: string, edge: Edge) => {
      keys.push(key);
      spec.edges.set(key, edge);
    };
    for (const type of isChoice ? types : [types[0] ?? '']) {
      const key = isChoice ? name + upperFirst(type) : name;
      const choice = isChoice ? { choice: raw, choiceKey: key } : {};
      add(key, { target: targetOf(e, type, sdType, index), ...choice });
      // A primitive's id and extensions travel in `_key` (json.html#primitive).
      if (isPrimitive(type)) add(`_${key}`, { target: specOf('Element', 'Element'), ...choice });
    }
    if ((e.min ?? 0) > 0) spec.required.push({ label: raw, name, min: e.min!, keys });
  };

  return (type) => specOf(type, type);
}
