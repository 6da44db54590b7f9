// _elements: keep only the named top-level elements (plus id, meta, mandatory). https://hl7.org/fhir/R4/search.html#elements
import type { Resource } from 'fhir/r4.js';
import { invalidParameter } from '../../core/outcomes.js';
import type { Definitions } from '../../definitions/r4-definitions.js';
import { planFor } from './shape-plan.js';
import { markSubsetted } from './subsetted.js';
import { ALWAYS_KEPT } from './summary.js';
import { copyExact } from '../../core/exact-numbers.js';

/**
 * Names may be bare (`name`, `value`, `valueQuantity`, `value[x]`) or type-qualified (`Patient.name`).
 * A name qualified with another resource type is skipped, so one _elements list can serve a searchset
 * holding several types (_include); an unqualified name the type lacks is a 400.
 * Returns a new resource; unchanged subtrees are shared with the input, which is never modified.
 */
export function applyElements<T extends Resource>(resource: T, elements: readonly string[], defs: Definitions): T {
  const type = resource.resourceType;
  const plan = planFor(defs, type);
  if (!plan) return resource;
  const wanted = new Set<string>();
  for (const raw of elements) {
    const name = ownName(raw, type, defs);
    if (name === undefined) continue;
    // `_name` is JSON spelling for a primitive's extensions, not an element a client can ask for.
    const rule = name.startsWith('_') ? undefined : plan.named(type, name);
    if (!rule) throw invalidParameter(`_elements: '${raw}' is not an element of ${type}`, '_elements');
    wanted.add(rule.name);
  }
  const kept: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(resource as unknown as Record<string, unknown>)) {
    const rule = plan.rule(type, key);
    if (ALWAYS_KEPT.has(key) || (rule && (rule.mandatory || wanted.has(rule.name)))) kept[key] = value;
  }
  return markSubsetted(copyExact(resource, kept)) as T;
}

/** The element name within `type`, or undefined when the name is qualified with some other resource type. */
function ownName(raw: string, type: string, defs: Definitions): string | undefined {
  const dot = raw.indexOf('.');
  if (dot < 0) return raw;
  const prefix = raw.slice(0, dot);
  if (prefix === type) return raw.slice(dot + 1);
  return defs.isResourceType(prefix) ? undefined : raw;
}
