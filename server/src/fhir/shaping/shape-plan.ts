// Per-type tables of what _summary and _elements keep, built once. https://hl7.org/fhir/R4/search.html#summary
import type { ElementDefinition, StructureDefinition } from 'fhir/r4.js';
import type { Definitions } from '../../definitions/r4-definitions.js';

/** Where the children of a value are described: a type's plan and a path inside it. */
export interface NestedAt {
  type: string;
  path: string;
}

/** One element as a JSON key under its parent (`name`, `_name`, `valueQuantity`, `_valueString`...). */
export interface ElementRule {
  /** The name _elements uses: `value` for `value[x]`. */
  name: string;
  /** The ElementDefinition path, shared by every JSON key of the element. */
  path: string;
  inSummary: boolean;
  mandatory: boolean;
  /** Set when _summary must look inside the value rather than keep it whole. */
  nested?: NestedAt;
}

export interface ShapePlan {
  readonly type: string;
  /** The rule for a JSON key found under `path`; undefined for keys the base definition does not know. */
  rule(path: string, key: string): ElementRule | undefined;
  /** A child of `path` by element name (`value`, `valueQuantity`, `value[x]`), as _elements names them. */
  named(path: string, name: string): ElementRule | undefined;
  /** Element paths _summary=true keeps. */
  readonly summaryPaths: ReadonlySet<string>;
}

// Extensions are defined by their own profiles, so the base Extension flags (value[x] is not summary) would
// strip a kept modifierExtension down to its url; Meta and Narrative are kept whole wherever they are kept.
const KEEP_WHOLE = new Set(['Extension', 'Meta', 'Narrative']);

const plans = new WeakMap<Definitions, Map<string, ShapePlan | null>>();

/** The cached plan for a resource type or complex datatype; null when the base definitions lack it. */
export function planFor(defs: Definitions, type: string): ShapePlan | null {
  let cache = plans.get(defs);
  if (!cache) plans.set(defs, (cache = new Map<string, ShapePlan | null>()));
  let plan = cache.get(type);
  if (plan === undefined) {
    const sd = defs.structureDefinition(type);
    plan = sd?.snapshot ? buildPlan(sd, defs) : null;
    cache.set(type, plan);
  }
  return plan;
}

function buildPlan(sd: StructureDefinition, defs: Definitions): ShapePlan {
  const elements = sd.snapshot?.element ?? [];
  const parents = new Set(elements.map((e) => parentOf(e.path)));
  const byKey = new Map<string, Map<string, ElementRule>>();
  const byName = new Map<string, Map<string, ElementRule>>();
  const summaryPaths = new Set<string>();
  const tableFor = (tables: Map<string, Map<string, ElementRule>>, parent: string) => {
    let table = tables.get(parent);
    if (!table) tables.set(parent, (table = new Map<string, ElementRule>()));
    return table;
  };

  for (const e of elements) {
    const parent = parentOf(e.path);
    if (parent === '') continue;
    const raw = e.path.slice(parent.length + 1);
    const isChoice = raw.endsWith('[x]');
    const name = isChoice ? raw.slice(0, -3) : raw;
    const mandatory = (e.min ?? 0) >= 1;
    // R4 requires modifiers to be summary elements, but the base snapshots leave modifierExtension (and a
    // few others) unflagged; dropping them would let a summary be read without the modifier that changes it.
    const inSummary = e.isSummary === true || e.isModifier === true || mandatory;
    if (inSummary) summaryPaths.add(e.path);
    const keys = tableFor(byKey, parent);
    const names = tableFor(byName, parent);
    const make = (typeCode: string | undefined): ElementRule => {
      const rule: ElementRule = { name, path: e.path, inSummary, mandatory };
      const nested = nestedAt(sd.type, e, typeCode, parents, defs);
      if (nested) rule.nested = nested;
      return rule;
    };
    if (isChoice) {
      names.set(name, make(undefined));
      for (const code of (e.type ?? []).map((t) => t.code)) {
        const rule = make(code);
        const jsonName = name + code.charAt(0).toUpperCase() + code.slice(1);
        keys.set(jsonName, rule);
        keys.set(`_${jsonName}`, rule);
        names.set(jsonName, rule);
      }
    } else {
      const rule = make(e.type?.length === 1 ? e.type[0].code : undefined);
      keys.set(name, rule);
      keys.set(`_${name}`, rule);
      names.set(name, rule);
    }
  }

  return {
    type: sd.type,
    rule: (path, key) => byKey.get(path)?.get(key),
    named: (path, name) => byName.get(path)?.get(name.endsWith('[x]') ? name.slice(0, -3) : name),
    summaryPaths,
  };
}

function nestedAt(
  owner: string,
  e: ElementDefinition,
  typeCode: string | undefined,
  parents: Set<string>,
  defs: Definitions,
): NestedAt | undefined {
  if (e.contentReference) return { type: owner, path: e.contentReference.replace(/^#/, '') };
  if (parents.has(e.path)) return { type: owner, path: e.path };
  if (!typeCode || KEEP_WHOLE.has(typeCode)) return undefined;
  // Primitives and contained resources are kept whole: a primitive's summary is its value, and a nested
  // resource's summary would be decided by its own type, which the caller did not ask to shape.
  return defs.structureDefinition(typeCode)?.kind === 'complex-type' ? { type: typeCode, path: typeCode } : undefined;
}

function parentOf(path: string): string {
  const dot = path.lastIndexOf('.');
  return dot < 0 ? '' : path.slice(0, dot);
}
