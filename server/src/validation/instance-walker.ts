// Walks a resource along a compiled StructureDefinition: cardinality, choice types, fixed/pattern values, limits,
// bindings, invariants, slices, reference targets and extensions, down through datatypes and nested resources.
// https://hl7.org/fhir/R4/validation.html#profile
import type { OperationOutcomeIssue } from 'fhir/r4.js';
import { issue } from '../core/outcomes.js';
import type { ConformanceRegistry } from './conformance-registry.js';
import type { CompiledStructure, ElementPlan } from './element-plan.js';
import { compileInvariant, type Invariant } from './invariants.js';
import { checkReference } from './reference-check.js';
import { assignSlices, checkSliceCounts, type SliceValue } from './slicing.js';
import { checkBinding, checkFixedAndPattern, checkLimits } from './value-checks.js';

type Obj = Record<string, unknown>;
const CORE = 'http://hl7.org/fhir/StructureDefinition/';
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

interface KeyHit {
  plan: ElementPlan;
  type: string;
  /** `_key`: the id and extensions of a primitive. */
  ext: boolean;
}

/** A JSON key found in an instance, and whether it is a primitive's `_key`. */
interface Found {
  key: string;
  ext: boolean;
}

interface Container {
  elements: ElementPlan[];
  keys: Map<string, KeyHit>;
  choices: ElementPlan[];
  required: ElementPlan[];
}

interface Walk {
  out: OperationOutcomeIssue[];
  errorsOnly: boolean;
  resource: Obj;
  root: Obj;
  /** Inside a contained resource (which needs no narrative of its own). */
  contained?: boolean;
  nestedClaims?: boolean;
  /** The base walk has run the core specification's invariants on these values: a profile walk skips them. */
  coreChecked?: boolean;
}

export interface InstanceWalker {
  /**
   * Checks `resource` against `structure`, with expressions starting at `at` (the resource type, or a nesting path).
   * With `nestedClaims`, resources inside it (contained, Bundle entries) are also checked against the profiles they claim.
   * `coreChecked`: the resource has been walked against its base definition already, so the invariants the core
   * specification defines (on the resource and its datatypes) hold or were reported; only the profile's own run.
   */
  walk(
    structure: CompiledStructure,
    resource: Obj,
    at: string,
    out: OperationOutcomeIssue[],
    errorsOnly: boolean,
    nestedClaims?: boolean,
    coreChecked?: boolean,
  ): void;
}

export function claimedProfiles(r: Obj): string[] {
  const meta = r.meta as { profile?: unknown } | undefined;
  return Array.isArray(meta?.profile) ? meta.profile.filter((p): p is string => typeof p === 'string') : [];
}

export function createInstanceWalker(registry: ConformanceRegistry): InstanceWalker {
  const containers = new WeakMap<ElementPlan, Map<string, Container | null>>();
  // Per element and type: all invariants, and those left for a walk after the base walk (coreChecked).
  const invariants = {
    all: new WeakMap<ElementPlan, Map<string, Invariant[]>>(),
    profileOnly: new WeakMap<ElementPlan, Map<string, Invariant[]>>(),
  };
  /** Defined by a base resource or datatype of the core specification (not by a profile, not even a core one such as vitalsigns). */
  const isCore = (c: ElementPlan['constraints'][number]) => {
    const name = c.source?.startsWith(CORE) ? c.source.slice(CORE.length) : undefined;
    return name !== undefined && registry.defs.structureDefinition(name)?.url === c.source;
  };
  let elementContainer: Container | null | undefined;

  const makeContainer = (elements: ElementPlan[]): Container => {
    const keys = new Map<string, KeyHit>();
    for (const plan of elements) {
      for (const [key, type] of plan.keyTypes) {
        keys.set(key, { plan, type, ext: false });
        if (registry.isPrimitive(type)) keys.set(`_${key}`, { plan, type, ext: true });
      }
    }
    return { elements, keys, choices: elements.filter((e) => e.isChoice), required: elements.filter((e) => e.min > 0) };
  };

  /** Where the children of a value of `type` at `plan` are defined: the snapshot itself, a contentReference, a profile on the type, or the base type. */
  const containerFor = (plan: ElementPlan, type: string): Container | null => {
    let byType = containers.get(plan);
    if (!byType) containers.set(plan, (byType = new Map<string, Container | null>()));
    let found = byType.get(type);
    if (found !== undefined) return found;
    found = null;
    if (plan.children.length > 0) found = makeContainer(plan.children);
    else if (plan.contentReference) {
      const target = plan.structure.byId.get(plan.contentReference);
      found = target ? containerFor(target, type) : null;
    } else {
      const profile = plan.types.find((t) => t.code === type)?.profiles[0];
      const structure = (profile && registry.structure(profile)) || registry.structure(type);
      if (structure && structure.root.children.length > 0) found = makeContainer(structure.root.children);
    }
    byType.set(type, found);
    return found;
  };

  /** The element's own invariants plus those its type defines on its root (Period's per-1...), once each; without the core ones when `coreChecked`. */
  const invariantsFor = (plan: ElementPlan, type: string, coreChecked: boolean): Invariant[] => {
    const cache = coreChecked ? invariants.profileOnly : invariants.all;
    let byType = cache.get(plan);
    if (!byType) cache.set(plan, (byType = new Map<string, Invariant[]>()));
    let list = byType.get(type);
    if (list) return list;
    list = [];
    const seen = new Set<string>();
    const add = (constraints: ElementPlan['constraints'], base: string) => {
      for (const c of constraints) {
        if (seen.has(c.key) || (coreChecked && isCore(c))) continue;
        seen.add(c.key);
        const inv = compileInvariant(c, base);
        if (inv) list.push(inv);
      }
    };
    add(plan.constraints, plan.path.replace(/\[x\]/g, ''));
    const profile = plan.types.find((t) => t.code === type)?.profiles[0];
    const typeRoots = [
      profile ? registry.structure(profile) : undefined,
      type && plan.path !== type ? registry.structure(type) : undefined,
    ];
    for (const s of typeRoots) if (s && s !== plan.structure) add(s.root.constraints, s.type);
    byType.set(type, list);
    return list;
  };

  const runInvariants = (plan: ElementPlan, type: string, value: unknown, at: string, w: Walk, primitive = false) => {
    for (const inv of invariantsFor(plan, type, w.coreChecked === true)) {
      if (primitive && !inv.onPrimitives) continue;
      if (w.errorsOnly && inv.severity !== 'error') continue;
      if (inv.key === 'dom-6' && w.contained) continue;
      if (inv.holds(value, w.resource, w.root)) continue;
      w.out.push(issue({ severity: inv.severity, code: 'invariant', diagnostics: `${at}: ${inv.key}: ${inv.human}`, expression: at }));
    }
  };

  /** `contained` resources keep their container as %rootResource; Bundle entries and Parameters resources are roots themselves. */
  const walkResource = (structure: CompiledStructure, resource: Obj, at: string, w: Walk, contained: boolean) => {
    const outer = w.resource;
    const outerRoot = w.root;
    const outerContained = w.contained;
    w.resource = resource;
    w.contained = contained;
    if (!contained) w.root = resource;
    runInvariants(structure.root, structure.type, resource, at, w);
    const container = containerFor(structure.root, structure.type);
    if (container) walkObject(container, resource, at, w, true);
    w.resource = outer;
    w.root = outerRoot;
    w.contained = outerContained;
  };

  /**
   * A nested resource against the profiles it claims (unknown or other-type ones are reported as information).
   * Resources nested deeper are not claim-checked again under the profile: the base walk already reached them.
   */
  const walkClaims = (resource: Obj, at: string, w: Walk, contained: boolean) => {
    for (const url of claimedProfiles(resource)) {
      const profile = registry.structure(url);
      if (profile && profile.type === resource.resourceType) {
        // The base walk has just been through this resource.
        const coreChecked = w.coreChecked;
        w.nestedClaims = false;
        w.coreChecked = true;
        walkResource(profile, resource, at, w, contained);
        w.nestedClaims = true;
        w.coreChecked = coreChecked;
      } else if (!w.errorsOnly) {
        const why = profile ? `constrains ${profile.type} resources, not ${String(resource.resourceType)}` : 'is not known to this server';
        w.out.push(
          issue({
            severity: 'information',
            code: 'informational',
            diagnostics: `${at}.meta.profile: profile ${url} ${why}, so it was not checked`,
            expression: `${at}.meta.profile`,
          }),
        );
      }
    }
  };

  /**
   * A nested resource against the profiles its element demands (`type.profile`: an IPS Bundle's composition entry
   * must be an IPS Composition): one of them must be met; with one, its own issues are reported.
   */
  const walkDemanded = (plan: ElementPlan, resource: Obj, at: string, w: Walk) => {
    const urls = plan.types.find((t) => t.code === resource.resourceType)?.profiles ?? [];
    const known = urls
      .map((u) => registry.structure(u))
      .filter((s): s is CompiledStructure => s !== undefined && s.type === resource.resourceType);
    if (known.length === 0) return;
    if (known.length > 1 && urls.some((u) => conformsTo(resource, String(resource.resourceType), u))) return;
    const coreChecked = w.coreChecked;
    const nestedClaims = w.nestedClaims;
    w.coreChecked = true;
    w.nestedClaims = false;
    walkResource(known[0], resource, at, w, plan.name === 'contained');
    w.coreChecked = coreChecked;
    w.nestedClaims = nestedClaims;
  };

  const checkValue = (plan: ElementPlan, value: unknown, type: string, at: string, w: Walk): void => {
    if (value === null || value === undefined) return;
    if (registry.isPrimitive(type)) {
      // A primitive given as an object or array is the schema's to report.
      if (isObj(value) || Array.isArray(value)) return;
      checkFixedAndPattern(plan, value, at, w.out);
      checkLimits(plan, value, at, w.out);
      checkBinding(plan, value, type, at, registry.codeSet, w.errorsOnly, w.out);
      // Only those evaluated natively: vs-1 on Observation.effective[x], eld-3 on ElementDefinition.max.
      runInvariants(plan, type, value, at, w, true);
      return;
    }
    if (!isObj(value)) return;
    if (type === 'Resource' || (typeof value.resourceType === 'string' && registry.defs.isResourceType(type))) {
      const nested = typeof value.resourceType === 'string' ? registry.structure(value.resourceType) : undefined;
      // A nested resource of an unknown type is the schema's to report.
      if (!nested || !registry.defs.isResourceType(value.resourceType as string)) return;
      walkResource(nested, value, at, w, plan.name === 'contained');
      walkDemanded(plan, value, at, w);
      if (w.nestedClaims) walkClaims(value, at, w, plan.name === 'contained');
      return;
    }
    let effective = plan;
    if (type === 'Extension' && plan.sliceName === undefined && !plan.types[0]?.profiles.length && plan.children.length === 0) {
      const definition = typeof value.url === 'string' ? registry.structure(value.url) : undefined;
      if (definition && definition.type === 'Extension') effective = definition.root;
      else if (!w.errorsOnly && typeof value.url === 'string' && value.url.includes(':')) {
        const modifier = plan.name === 'modifierExtension';
        w.out.push(
          issue({
            severity: modifier ? 'warning' : 'information',
            code: modifier ? 'not-supported' : 'informational',
            diagnostics: `${at}: ${modifier ? 'modifier extension' : 'extension'} ${value.url} is not known to this server, so its content was not checked`,
            expression: at,
          }),
        );
      }
    }
    if (!hasContent(value)) {
      w.out.push(
        issue({ code: 'invariant', diagnostics: `${at}: ele-1: All FHIR elements must have a @value or children`, expression: at }),
      );
    }
    checkFixedAndPattern(effective, value, at, w.out);
    checkLimits(effective, value, at, w.out);
    checkBinding(effective, value, type, at, registry.codeSet, w.errorsOnly, w.out);
    runInvariants(effective, type, value, at, w);
    if (type === 'Reference') checkReference(effective, value, at, w.resource, registry, w.out);
    const container = containerFor(effective, type);
    if (container) walkObject(container, value, at, w, false);
  };

  const walkObject = (container: Container, node: Obj, at: string, w: Walk, isResource: boolean): void => {
    // The elements present, each with the keys it was found under: a few per object, so arrays beat a Map.
    const plans: ElementPlan[] = [];
    const groups: Found[][] = [];
    // A choice given in a type the profile does not allow is reported once, as that, not also as missing.
    let wrongType: Set<ElementPlan> | undefined;
    for (const key in node) {
      if (node[key] === undefined) continue;
      const hit = container.keys.get(key);
      if (!hit) {
        if (isResource && key === 'resourceType') continue;
        const choice = unknownKey(container, key, at, w);
        if (choice) (wrongType ??= new Set()).add(choice);
        continue;
      }
      const g = plans.indexOf(hit.plan);
      if (g >= 0) groups[g].push({ key, ext: hit.ext });
      else {
        plans.push(hit.plan);
        groups.push([{ key, ext: hit.ext }]);
      }
    }
    // Only the elements present and the required ones are looked at: most of a type's elements are absent.
    for (const plan of container.required) {
      if (!plans.includes(plan)) missing(plan, 0, at, w, wrongType);
    }
    for (let g = 0; g < plans.length; g++) {
      const plan = plans[g];
      const hits = groups[g];
      const found = occurrences(node, hits);
      if (found < plan.min) missing(plan, found, at, w, wrongType);
      if (found > plan.max) {
        w.out.push(
          issue({
            code: 'structure',
            diagnostics:
              plan.max === 0
                ? `${at}.${plan.name}: this element is not allowed here (maximum 0)`
                : `${at}.${plan.label}: maximum allowed = ${plan.max}, but found ${found}`,
            expression: `${at}.${plan.name}`,
          }),
        );
      }
      walkElement(plan, node, hits, at, w);
    }
  };

  const missing = (plan: ElementPlan, found: number, at: string, w: Walk, wrongType: Set<ElementPlan> | undefined) => {
    if (wrongType?.has(plan)) return;
    w.out.push(
      issue({
        code: 'required',
        diagnostics: `${at}.${plan.label}: minimum required = ${plan.min}, but only found ${found}${plan.isChoice ? ` (as one of ${[...plan.keyTypes.keys()].join(', ')})` : ''}`,
        expression: `${at}.${plan.name}`,
      }),
    );
  };

  const walkElement = (plan: ElementPlan, node: Obj, hits: Found[], at: string, w: Walk): void => {
    const sliced = plan.slicing !== undefined && plan.slices.length > 0;
    if (hits.length === 1 && !sliced) {
      // The common case: one key, so a primitive's value and its `_key` are not both there.
      const h = hits[0];
      const key = h.ext ? h.key.slice(1) : h.key;
      return walkOccurrences(
        plan,
        h.ext ? undefined : node[key],
        h.ext ? node[h.key] : undefined,
        plan.keyTypes.get(key)!,
        `${at}.${key}`,
        w,
      );
    }
    const valueKeys = [...new Set(hits.map((h) => (h.ext ? h.key.slice(1) : h.key)))];
    if (plan.isChoice && valueKeys.length > 1) {
      w.out.push(
        issue({
          code: 'structure',
          diagnostics: `${at}.${plan.label}: maximum allowed = 1, but found ${valueKeys.length} (${valueKeys.join(' and ')})`,
          expression: `${at}.${plan.name}`,
        }),
      );
    }
    if (valueKeys.length === 1 && !sliced) {
      const key = valueKeys[0];
      return walkOccurrences(plan, node[key], node[`_${key}`], plan.keyTypes.get(key)!, `${at}.${key}`, w);
    }
    const items: { key: string; type: string; index: number; array: boolean; value: unknown; ext: unknown }[] = [];
    for (const key of valueKeys) {
      const type = plan.keyTypes.get(key)!;
      const raw = node[key];
      const ext = node[`_${key}`];
      const array = Array.isArray(raw) || Array.isArray(ext);
      const values = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
      const exts = Array.isArray(ext) ? ext : ext === undefined ? [] : [ext];
      const n = Math.max(values.length, exts.length);
      for (let i = 0; i < n; i++) items.push({ key, type, index: i, array, value: values[i], ext: exts[i] });
    }
    let assigned: (ElementPlan | undefined)[] | undefined;
    if (sliced) {
      const sliceValues: SliceValue[] = items.map((it) => ({
        value: it.value ?? it.ext,
        type: isObj(it.value) && typeof it.value.resourceType === 'string' ? it.value.resourceType : it.type,
      }));
      assigned = assignSlices(plan, sliceValues, conformsTo);
      checkSliceCounts(plan, assigned, `${at}.${plan.name}`, w.out);
    }
    items.forEach((it, i) =>
      walkOne(assigned?.[i] ?? plan, it.value, it.ext, it.type, `${at}.${it.key}${it.array ? `[${it.index}]` : ''}`, w),
    );
  };

  /** The occurrences of one key (`where` is its path): a value or an array, with a primitive's `_key` beside it. */
  const walkOccurrences = (plan: ElementPlan, raw: unknown, ext: unknown, type: string, where: string, w: Walk): void => {
    if (!Array.isArray(raw) && !Array.isArray(ext)) return walkOne(plan, raw, ext, type, where, w);
    const n = Math.max(Array.isArray(raw) ? raw.length : 0, Array.isArray(ext) ? ext.length : 0);
    for (let i = 0; i < n; i++)
      walkOne(plan, Array.isArray(raw) ? raw[i] : undefined, Array.isArray(ext) ? ext[i] : undefined, type, `${where}[${i}]`, w);
  };

  /** One occurrence: its value, and a primitive's `_key` object (id and extensions). */
  const walkOne = (plan: ElementPlan, value: unknown, ext: unknown, type: string, where: string, w: Walk): void => {
    checkValue(plan, value, type, where, w);
    if (isObj(ext)) {
      const element = (elementContainer ??= registry.structure('Element')
        ? makeContainer(registry.structure('Element')!.root.children)
        : null);
      if (element) walkObject(element, ext, where, w, false);
    }
  };

  /** Reports a key the container does not define; returns the choice element it was a wrong type of, if any. */
  const unknownKey = (container: Container, key: string, at: string, w: Walk): ElementPlan | undefined => {
    const bare = key.charCodeAt(0) === 95 ? key.slice(1) : key;
    const choice = container.choices.find((c) => bare.startsWith(c.name) && /^[A-Z]/.test(bare.slice(c.name.length)));
    w.out.push(
      issue({
        code: 'structure',
        diagnostics: choice
          ? `${at}.${bare}: ${choice.label} may not be of type ${bare.slice(choice.name.length)} here; allowed: ${[...choice.keyTypes.values()].join(', ')}`
          : `${at}.${bare}: unknown element '${bare}'`,
        expression: `${at}.${bare}`,
      }),
    );
    return choice;
  };

  /** For `profile` discriminators: a value conforms when checking it against the profile finds no errors. */
  const conformsTo = (value: unknown, type: string, profile: string): boolean => {
    const structure = registry.structure(profile);
    if (!structure) return false;
    const w: Walk = { out: [], errorsOnly: true, resource: {}, root: {} };
    // A resource profile is walked as a resource (checkValue would walk a nested resource by its base type).
    if (isObj(value) && value.resourceType === structure.type && registry.defs.isResourceType(structure.type))
      walkResource(structure, value, structure.type, w, false);
    else checkValue(structure.root, value, type, structure.type, w);
    return w.out.length === 0;
  };

  return {
    walk(structure, resource, at, out, errorsOnly, nestedClaims = false, coreChecked = false) {
      walkResource(structure, resource, at, { out, errorsOnly, resource, root: resource, nestedClaims, coreChecked }, false);
    },
  };
}

/** Occurrences of an element (`[]` and `null` count as absent); a primitive and its `_key` count once. */
function occurrences(node: Obj, hits: Found[]): number {
  let found = 0;
  for (const h of hits) {
    const v = node[h.key];
    if (v == null || (Array.isArray(v) && v.length === 0)) continue;
    if (!h.ext) found += Array.isArray(v) ? v.length : 1;
    else if (node[h.key.slice(1)] == null) found += Array.isArray(v) ? v.length : 1;
  }
  return found;
}

function hasContent(value: Obj): boolean {
  for (const k in value) if (k !== 'id') return true;
  return false;
}
