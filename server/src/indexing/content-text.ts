// The text `_content` searches: the strings a person reads (string and markdown elements: names, displays, texts,
// notes, titles), found by walking the resource with its element definitions, so that machine values (the resource
// type, codes, ids, dates, numbers, URLs, references) are not words of it. The narrative is added apart (text-rows.ts).
// https://hl7.org/fhir/R4/search.html#content
import type { Resource } from 'fhir/r4.js';
import { buildElementTree, type ChildElement, type ElementTree } from '../definitions/element-tree.js';
import type { Definitions } from '../definitions/r4-definitions.js';

/** The FHIR types whose values are text. */
const TEXT_TYPES = new Set(['string', 'markdown']);
/** Elements of those types that hold identifiers rather than text; and types not walked into (meta, contained resources). */
const NOT_TEXT = new Set(['Reference.reference', 'Identifier.value', 'Coding.version']);
const NOT_WALKED = new Set(['Meta', 'Resource', 'Narrative']);

export type ContentText = (resource: Resource) => string[];

export function contentText(defs: Definitions): ContentText {
  const trees = new Map<string, ElementTree | null>();
  const treeOf = (type: string): ElementTree | null => {
    let tree = trees.get(type);
    if (tree === undefined) {
      const sd = defs.structureDefinition(type);
      trees.set(type, (tree = sd ? buildElementTree(sd) : null));
    }
    return tree;
  };

  const walk = (value: unknown, tree: ElementTree, path: string, out: string[]): void => {
    if (typeof value !== 'object' || value === null) return;
    for (const [key, v] of Object.entries(value)) {
      if (key.startsWith('_')) continue;
      const child = tree.childForKey(path, key);
      if (!child) continue;
      const type = typeOfKey(child, key);
      if (type === undefined || NOT_WALKED.has(type)) continue;
      const items = Array.isArray(v) ? v : [v];
      if (TEXT_TYPES.has(type)) {
        if (!NOT_TEXT.has(`${path}.${key}`)) for (const s of items) if (typeof s === 'string') out.push(s);
      } else if (child.childrenAt) {
        for (const item of items) walk(item, tree, child.childrenAt, out);
      } else if (/^[A-Z]/.test(type)) {
        const typeTree = treeOf(type);
        if (typeTree) for (const item of items) walk(item, typeTree, type, out);
      }
    }
  };

  return (resource) => {
    const out: string[] = [];
    const tree = treeOf(resource.resourceType);
    if (tree) walk(resource, tree, resource.resourceType, out);
    return out;
  };
}

/** The FHIR type a JSON key carries: the element's one type, or for a choice (`valueString`) the one its suffix names. */
function typeOfKey(child: ChildElement, key: string): string | undefined {
  if (!child.isChoice) return child.types.length === 1 ? child.types[0] : child.childrenAt ? 'BackboneElement' : undefined;
  const suffix = key.slice(child.name.length);
  return child.types.find((t) => t.toLowerCase() === suffix.toLowerCase());
}
