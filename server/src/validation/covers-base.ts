// Whether meeting a profile implies meeting the base definitions: then a write that claims it can be walked once,
// against the profile with the core invariants, instead of against the base resource and again against the profile.
// A profile may only constrain its base (https://hl7.org/fhir/R4/profiling.html#constraints); this checks that the
// snapshot really does, element by element, against the element of the core specification each one derives from
// (ElementDefinition.base), for everything a write's validation enforces: cardinality, types and reference targets,
// error invariants, required bindings, fixed and pattern values, limits. Anything it cannot tell is not covered.
import type { ElementDefinition, StructureDefinition } from 'fhir/r4.js';
import type { Definitions } from '../definitions/r4-definitions.js';

const canonical = (url: string | undefined) => url?.split('|')[0];
const maxOf = (max: string | undefined) => (max === undefined || max === '*' ? Infinity : Number(max));
const LIMITS = /^(fixed|pattern|minValue|maxValue)[A-Z]|^maxLength$/;

/** `profileType`: the resource type a profile (canonical URL) constrains, for reference targets given as profiles. */
export function coversBase(profile: StructureDefinition, defs: Definitions, profileType: (url: string) => string | undefined): boolean {
  const elements = profile.snapshot?.element;
  const base = defs.structureDefinition(profile.type);
  if (!elements?.length || !base?.snapshot || profile.derivation !== 'constraint') return false;
  const paths = new Set(elements.map((e) => e.path));
  // Every element of the base resource is there (one left out would go unchecked: its minimum, say).
  if (!base.snapshot.element.every((b) => paths.has(b.path))) return false;
  return elements.every((e) => {
    const b = coreElement(e, defs);
    return b !== undefined && elementCovers(e, b, profileType) && expandedTypeComplete(e, elements, defs);
  });
}

/** The element of a core resource or datatype definition that `e` derives from. */
function coreElement(e: ElementDefinition, defs: Definitions): ElementDefinition | undefined {
  const path = e.base?.path;
  if (!path) return undefined;
  const sd = defs.structureDefinition(path.split('.')[0]);
  return sd?.snapshot?.element.find((b) => b.path === path && b.sliceName === undefined);
}

function elementCovers(e: ElementDefinition, b: ElementDefinition, profileType: (url: string) => string | undefined): boolean {
  // A slice's minimum counts for the slice only; the unsliced element keeps the base's.
  if (e.sliceName === undefined && (e.min ?? 0) < (b.min ?? 0)) return false;
  if (maxOf(e.max) > maxOf(b.max)) return false;
  if (!typesCover(e, b, profileType)) return false;
  for (const c of b.constraint ?? []) {
    if (c.severity !== 'error') continue;
    if (!e.constraint?.some((x) => x.key === c.key && x.expression === c.expression && x.severity === 'error')) return false;
  }
  if (b.binding?.strength === 'required') {
    if (e.binding?.strength !== 'required' || canonical(e.binding.valueSet) !== canonical(b.binding.valueSet)) return false;
  }
  for (const [key, value] of Object.entries(b)) {
    if (LIMITS.test(key) && JSON.stringify((e as unknown as Record<string, unknown>)[key]) !== JSON.stringify(value)) return false;
  }
  return true;
}

/** Every type allowed is one the base allows, with reference targets and type profiles no wider than the base's. */
function typesCover(e: ElementDefinition, b: ElementDefinition, profileType: (url: string) => string | undefined): boolean {
  if (!e.type) return !b.type;
  return e.type.every((t) => {
    const bt = b.type?.find((x) => x.code === t.code);
    if (!bt) return false;
    // Where the base restricts targets or type profiles, the profile must name some, each allowed by the base.
    const targets = t.targetProfile ?? [];
    if (bt.targetProfile && (targets.length === 0 || !targets.every((p) => targetAllowed(p, bt.targetProfile!, profileType)))) return false;
    const typeProfiles = t.profile ?? [];
    if (bt.profile && (typeProfiles.length === 0 || !typeProfiles.every((p) => bt.profile!.map(canonical).includes(canonical(p)))))
      return false;
    return true;
  });
}

/** A target the base names, or a profile on a type the base names (Reference(Resource) allows any). */
function targetAllowed(target: string, allowed: string[], profileType: (url: string) => string | undefined): boolean {
  const type = profileType(canonical(target)!);
  return (
    type !== undefined &&
    allowed.some((a) => {
      const allowedType = profileType(canonical(a)!);
      return canonical(a) === canonical(target) || allowedType === 'Resource' || allowedType === type;
    })
  );
}

/**
 * When the profile spells out the children of a datatype element (valueQuantity's value, unit...), the walk checks
 * only those: the datatype's required children must be among them.
 */
function expandedTypeComplete(e: ElementDefinition, elements: ElementDefinition[], defs: Definitions): boolean {
  const prefix = `${e.id}.`;
  const children = elements.filter((c) => c.id?.startsWith(prefix) && !c.id.slice(prefix.length).includes('.'));
  if (children.length === 0 || e.type?.length !== 1) return true;
  const type = defs.structureDefinition(e.type[0].code);
  if (!type?.snapshot || type.kind === 'resource') return true;
  const root = type.type;
  const names = new Set(children.map((c) => c.path.split('.').pop()));
  return type.snapshot.element.every((t) => {
    const rest = t.path.slice(root.length + 1);
    return !rest || rest.includes('.') || (t.min ?? 0) === 0 || names.has(rest);
  });
}
