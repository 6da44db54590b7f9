// _summary: the elements marked isSummary in the base definitions (true), text only, or all but text.
// https://hl7.org/fhir/R4/search.html#summary
import type { Resource } from 'fhir/r4.js';
import type { Definitions } from '../../definitions/r4-definitions.js';
import { buildElementTree, type ElementTree } from '../../validation/element-tree.js';
import type { SummaryMode } from './parse-shaping.js';
import { markSubsetted } from './subsetted.js';

type Obj = Record<string, unknown>;
const ALWAYS = new Set(['resourceType', 'id', 'meta']);
const trees = new WeakMap<Definitions, Map<string, ElementTree | null>>();

export function treeFor(defs: Definitions, type: string): ElementTree | null {
  let cache = trees.get(defs);
  if (!cache) trees.set(defs, (cache = new Map()));
  if (!cache.has(type)) {
    const sd = defs.structureDefinition(type);
    cache.set(type, sd ? buildElementTree(sd) : null);
  }
  return cache.get(type)!;
}

export function applySummary(resource: Resource, mode: Exclude<SummaryMode, 'count'>, defs: Definitions): Resource {
  if (mode === 'false') return resource;
  const r = resource as unknown as Obj;
  if (mode === 'data') {
    const { text: _text, ...rest } = r;
    return markSubsetted(rest);
  }
  const tree = treeFor(defs, resource.resourceType);
  if (!tree) return resource;
  if (mode === 'text') {
    const kept: Obj = {};
    for (const [k, v] of Object.entries(r)) {
      if (ALWAYS.has(k) || k === 'text' || (tree.childForKey(resource.resourceType, k)?.min ?? 0) > 0) kept[k] = v;
    }
    return markSubsetted(kept);
  }
  return markSubsetted(summarize(r, tree, resource.resourceType, true));
}

/** Keeps summary and mandatory elements; inside backbone elements, the same rule applies to their children. */
function summarize(node: Obj, tree: ElementTree, path: string, top: boolean): Obj {
  const out: Obj = {};
  for (const [key, value] of Object.entries(node)) {
    if (top && ALWAYS.has(key)) {
      out[key] = value;
      continue;
    }
    const child = tree.childForKey(path, key);
    if (!child || (!child.isSummary && child.min === 0)) continue;
    if (child.childrenAt && child.childrenAt.startsWith(`${path.split('.')[0]}.`)) {
      const at = child.childrenAt;
      out[key] = Array.isArray(value)
        ? value.map((v) => (typeof v === 'object' && v !== null ? summarize(v as Obj, tree, at, false) : v))
        : typeof value === 'object' && value !== null ? summarize(value as Obj, tree, at, false) : value;
    } else {
      out[key] = value;
    }
  }
  return out;
}
