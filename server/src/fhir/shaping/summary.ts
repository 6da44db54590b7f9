// _summary on one resource: summary elements, text only, or all but text. https://hl7.org/fhir/R4/search.html#summary
import type { Resource } from 'fhir/r4.js';
import { invalidParameter } from '../../core/outcomes.js';
import type { Definitions } from '../../definitions/r4-definitions.js';
import type { SummaryMode } from './parse-shaping.js';
import { planFor, type ShapePlan } from './shape-plan.js';
import { markSubsetted } from './subsetted.js';
import { copyExact } from '../../core/exact-numbers.js';

type Obj = Record<string, unknown>;

/** Kept at the top level whatever the mode, so the result still says what it is a subset of. */
export const ALWAYS_KEPT: ReadonlySet<string> = new Set(['resourceType', 'id', 'meta']);

/**
 * Returns a new resource (or, for `false`, the same one); the input is never modified. Unchanged subtrees
 * are shared with the input, so treat both as immutable.
 */
export function applySummary<T extends Resource>(resource: T, mode: SummaryMode, defs: Definitions): T {
  if (mode === 'false') return resource;
  // A count has no resource to shape; reaching here means a read, where the mode has no meaning.
  if (mode === 'count') throw invalidParameter('_summary=count is only supported on searches', '_summary');
  const r = resource as unknown as Obj;
  if (mode === 'data') {
    const { text: _text, ...rest } = r;
    return markSubsetted(copyExact(r, rest)) as T;
  }
  const plan = planFor(defs, resource.resourceType);
  if (!plan) return resource;
  const type = resource.resourceType;
  if (mode === 'text') {
    const kept: Obj = {};
    for (const [key, value] of Object.entries(r)) {
      if (ALWAYS_KEPT.has(key) || key === 'text' || key === '_text' || plan.rule(type, key)?.mandatory) kept[key] = value;
    }
    return markSubsetted(copyExact(r, kept)) as T;
  }
  return markSubsetted(summarize(r, plan, type, defs, true)) as T;
}

function summarize(node: Obj, plan: ShapePlan, path: string, defs: Definitions, top = false): Obj {
  const out: Obj = {};
  for (const [key, value] of Object.entries(node)) {
    if (top && ALWAYS_KEPT.has(key)) {
      out[key] = value;
      continue;
    }
    const rule = plan.rule(path, key);
    if (!rule?.inSummary) continue;
    // `_name` holds the id and extensions of a primitive: it goes wherever the primitive goes, whole.
    if (!rule.nested || key.startsWith('_')) {
      out[key] = value;
      continue;
    }
    const inner = rule.nested.type === plan.type ? plan : planFor(defs, rule.nested.type);
    const pruned = inner ? prune(value, inner, rule.nested.path, defs) : value;
    // FHIR JSON forbids empty objects and arrays; a mandatory one keeps its original rather than vanish.
    if (pruned !== undefined) out[key] = pruned;
    else if (rule.mandatory) out[key] = value;
  }
  return copyExact(node, out);
}

function prune(value: unknown, plan: ShapePlan, path: string, defs: Definitions): unknown {
  if (Array.isArray(value)) {
    // Arrays of decimals hold no objects to prune: kept whole, with their texts.
    if (!value.some((v) => typeof v === 'object' && v !== null)) return value.length > 0 ? value : undefined;
    const items = value.map((v) => prune(v, plan, path, defs)).filter((v) => v !== undefined);
    return items.length > 0 ? items : undefined;
  }
  if (typeof value !== 'object' || value === null) return value;
  const out = summarize(value as Obj, plan, path, defs);
  return Object.keys(out).length > 0 ? out : undefined;
}
