// The element tree of a StructureDefinition snapshot, indexed for walking instances.
// https://hl7.org/fhir/R4/elementdefinition.html
import type { ElementDefinition, StructureDefinition } from 'fhir/r4.js';

export interface ChildElement {
  /** JSON name without [x]. */
  name: string;
  path: string;
  min: number;
  isSummary: boolean;
  isChoice: boolean;
  types: string[];
  /** For backbone elements (and contentReference targets): the path whose children apply. */
  childrenAt?: string;
}

export interface ElementTree {
  /** Children of an element path within this StructureDefinition. */
  children(path: string): ChildElement[];
  /** The child of `path` that a JSON key (`name`, `_name`, or a choice such as `valueQuantity`) carries. */
  childForKey(path: string, key: string): ChildElement | undefined;
}

const BACKBONE = new Set(['BackboneElement', 'Element']);

export function buildElementTree(sd: StructureDefinition): ElementTree {
  const elements = sd.snapshot?.element ?? [];
  const hasChildren = new Set(elements.map((e) => e.path.slice(0, e.path.lastIndexOf('.'))));
  const byParent = new Map<string, ChildElement[]>();
  for (const e of elements) {
    const dot = e.path.lastIndexOf('.');
    if (dot < 0) continue;
    const parent = e.path.slice(0, dot);
    const list = byParent.get(parent) ?? [];
    list.push(toChild(e, hasChildren));
    byParent.set(parent, list);
  }
  const children = (path: string) => byParent.get(path) ?? [];
  const childForKey = (path: string, key: string) => {
    const name = key.startsWith('_') ? key.slice(1) : key;
    return children(path).find((c) =>
      c.isChoice ? name.startsWith(c.name) && c.types.includes(lowerFirstIfPrimitive(name.slice(c.name.length), c.types)) : c.name === name,
    );
  };
  return { children, childForKey };
}

function toChild(e: ElementDefinition, hasChildren: Set<string>): ChildElement {
  const raw = e.path.slice(e.path.lastIndexOf('.') + 1);
  const isChoice = raw.endsWith('[x]');
  const types = (e.type ?? []).map((t) => t.code);
  const child: ChildElement = {
    name: isChoice ? raw.slice(0, -3) : raw,
    path: e.path,
    min: e.min ?? 0,
    isSummary: e.isSummary === true,
    isChoice,
    types,
  };
  if (e.contentReference) child.childrenAt = e.contentReference.replace(/^#/, '');
  else if (hasChildren.has(e.path) || types.some((t) => BACKBONE.has(t))) child.childrenAt = e.path;
  return child;
}

/** `valueString` names the type `string`, `valueQuantity` the type `Quantity`. */
function lowerFirstIfPrimitive(suffix: string, types: string[]): string {
  const lower = suffix.charAt(0).toLowerCase() + suffix.slice(1);
  return types.includes(suffix) ? suffix : lower;
}
