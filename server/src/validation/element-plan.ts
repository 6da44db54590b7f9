// A StructureDefinition snapshot compiled once into a tree of element rules (children, slices, types, fixed and
// pattern values, bindings, invariants) that the instance walker follows. https://hl7.org/fhir/R4/elementdefinition.html
import type { ElementDefinition, ElementDefinitionConstraint, StructureDefinition } from 'fhir/r4.js';

export interface TypeRule {
  code: string;
  /** Profiles the value must meet (type.profile), e.g. an extension's definition or SimpleQuantity. */
  profiles: string[];
  /** Reference/canonical targets (type.targetProfile). */
  targetProfiles: string[];
}

export interface ElementPlan {
  structure: CompiledStructure;
  id: string;
  path: string;
  /** JSON and FHIRPath name without [x]. */
  name: string;
  /** The name as the spec writes it (`value[x]`), for messages. */
  label: string;
  isChoice: boolean;
  min: number;
  max: number;
  types: TypeRule[];
  /** JSON key -> type code: `valueQuantity` -> Quantity, or `status` -> code. */
  keyTypes: Map<string, string>;
  fixed?: unknown;
  pattern?: unknown;
  minValue?: number | string;
  maxValue?: number | string;
  maxLength?: number;
  binding?: { strength: string; valueSet: string };
  constraints: ElementDefinitionConstraint[];
  children: ElementPlan[];
  contentReference?: string;
  sliceName?: string;
  slicing?: { discriminator: { type: string; path: string }[]; rules: string; ordered: boolean };
  slices: ElementPlan[];
}

export interface CompiledStructure {
  url: string;
  name: string;
  /** The resource or datatype constrained. */
  type: string;
  kind: string;
  isProfile: boolean;
  root: ElementPlan;
  /** Elements by id and by path (first element of a path), for contentReference and discriminators. */
  byId: Map<string, ElementPlan>;
}

const upperFirst = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
const SYSTEM_TYPE = 'http://hl7.org/fhirpath/System.';

/** FHIRPath system types (the type of id, url and extension values) name the FHIR primitive they stand for. */
export function typeCodeOf(code: string, e: ElementDefinition): string {
  if (!code.startsWith(SYSTEM_TYPE)) return code;
  const fhirType = e.type?.[0]?.extension?.find((x) => x.url.endsWith('structuredefinition-fhir-type'))?.valueUrl;
  if (fhirType) return fhirType;
  return code.slice(SYSTEM_TYPE.length) === 'String' ? 'string' : code.slice(SYSTEM_TYPE.length).toLowerCase();
}

function valueWithPrefix(e: ElementDefinition, prefix: string): unknown {
  for (const key in e) if (key.startsWith(prefix) && key.length > prefix.length) return (e as unknown as Record<string, unknown>)[key];
  return undefined;
}

function toPlan(e: ElementDefinition, structure: CompiledStructure): ElementPlan {
  const raw = e.path.slice(e.path.lastIndexOf('.') + 1);
  const isChoice = raw.endsWith('[x]');
  const name = isChoice ? raw.slice(0, -3) : raw;
  const types: TypeRule[] = (e.type ?? []).map((t) => ({
    code: typeCodeOf(t.code, e),
    profiles: t.profile ?? [],
    targetProfiles: t.targetProfile ?? [],
  }));
  const keyTypes = new Map<string, string>();
  if (isChoice) for (const t of types) keyTypes.set(name + upperFirst(t.code), t.code);
  else keyTypes.set(name, types[0]?.code ?? '');
  const plan: ElementPlan = {
    structure,
    id: e.id ?? e.path,
    path: e.path,
    name,
    label: raw,
    isChoice,
    min: e.min ?? 0,
    max: e.max === undefined || e.max === '*' ? Number.POSITIVE_INFINITY : Number(e.max),
    types,
    keyTypes,
    constraints: e.constraint ?? [],
    children: [],
    slices: [],
  };
  const fixed = valueWithPrefix(e, 'fixed');
  if (fixed !== undefined) plan.fixed = fixed;
  const pattern = valueWithPrefix(e, 'pattern');
  if (pattern !== undefined) plan.pattern = pattern;
  const minValue = valueWithPrefix(e, 'minValue');
  if (typeof minValue === 'number' || typeof minValue === 'string') plan.minValue = minValue;
  const maxValue = valueWithPrefix(e, 'maxValue');
  if (typeof maxValue === 'number' || typeof maxValue === 'string') plan.maxValue = maxValue;
  if (e.maxLength !== undefined) plan.maxLength = e.maxLength;
  if (e.binding?.valueSet) plan.binding = { strength: e.binding.strength, valueSet: e.binding.valueSet.split('|')[0] };
  if (e.contentReference) plan.contentReference = e.contentReference.slice(e.contentReference.indexOf('#') + 1);
  if (e.sliceName) plan.sliceName = e.sliceName;
  if (e.slicing) {
    plan.slicing = {
      discriminator: (e.slicing.discriminator ?? []).map((d) => ({ type: d.type, path: d.path })),
      rules: e.slicing.rules,
      ordered: e.slicing.ordered === true,
    };
  }
  return plan;
}

/** The id of the element an element id sits under: `Observation.code.coding` for `Observation.code.coding:x`'s children. */
function parentId(id: string): string {
  return id.slice(0, id.lastIndexOf('.'));
}

export function compileStructure(sd: StructureDefinition): CompiledStructure | undefined {
  const elements = sd.snapshot?.element ?? [];
  if (elements.length === 0) return undefined;
  const structure = {
    url: sd.url,
    name: sd.name,
    type: sd.type,
    kind: sd.kind,
    isProfile: sd.derivation === 'constraint',
    byId: new Map<string, ElementPlan>(),
  } as CompiledStructure;
  for (const e of elements) {
    const plan = toPlan(e, structure);
    const id = plan.id;
    structure.byId.set(id, plan);
    if (!structure.byId.has(e.path)) structure.byId.set(e.path, plan);
    if (!id.includes('.')) {
      structure.root = plan;
      continue;
    }
    const last = id.slice(id.lastIndexOf('.') + 1);
    const colon = last.indexOf(':');
    if (colon >= 0 && plan.sliceName !== undefined) {
      // A slice hangs off the element it slices: `Observation.category:VSCat` off `Observation.category`.
      const sliced = structure.byId.get(id.slice(0, id.length - last.length + colon));
      if (sliced) sliced.slices.push(plan);
      continue;
    }
    structure.byId.get(parentId(id))?.children.push(plan);
  }
  return structure.root ? structure : undefined;
}
