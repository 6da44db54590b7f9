// _elements: only the named top-level elements, plus id, meta and mandatory ones. https://hl7.org/fhir/R4/search.html#elements
import type { Resource } from 'fhir/r4.js';
import { badRequest } from '../../core/outcomes.js';
import type { Definitions } from '../../definitions/r4-definitions.js';
import { markSubsetted } from './subsetted.js';
import { treeFor } from './summary.js';

type Obj = Record<string, unknown>;

export function applyElements(resource: Resource, elements: string[], defs: Definitions): Resource {
  const type = resource.resourceType;
  const tree = treeFor(defs, type);
  if (!tree) return resource;
  const wanted = new Set<string>();
  for (const raw of elements) {
    const name = raw.startsWith(`${type}.`) ? raw.slice(type.length + 1) : raw;
    const child = tree.children(type).find((c) => c.name === name) ?? tree.childForKey(type, name);
    if (!child) throw badRequest(`_elements: '${raw}' is not an element of ${type}`, '_elements');
    wanted.add(name);
  }
  const kept: Obj = {};
  for (const [key, value] of Object.entries(resource as unknown as Obj)) {
    const child = tree.childForKey(type, key);
    const keep = key === 'resourceType' || key === 'id' || key === 'meta' || (child !== undefined && (child.min > 0 || wanted.has(child.name) || wanted.has(key)));
    if (keep) kept[key] = value;
  }
  return markSubsetted(kept);
}
