// What FHIRPath Patch needs to know about R4 elements: repetition, choice types and where children are defined.
// https://hl7.org/fhir/R4/fhirpatch.html
import r4 from 'fhirpath/fhir-context/r4';

/** An element of the R4 model as seen from its parent, e.g. `Patient.contact` or `Observation.value`. */
export interface ElementInfo {
  /** Model path, e.g. `Patient.contact`, `HumanName.given`, `Observation.value`. */
  path: string;
  repeating: boolean;
  /** Allowed type suffixes (`Quantity`, `String`, …) when this is a choice element `x[x]`. */
  choiceTypes?: string[];
  /** Declared type code (`HumanName`, `string`, `BackboneElement`, `System.String`, `Resource`). */
  type?: string;
}

// path2Type holds `{ code, refType }` for references although its typings say string.
type TypeEntry = string | { code: string } | undefined;

/** The child `name` of something whose model path or type is `base`, or undefined when the model has no such child. */
export function childElement(base: string | null | undefined, name: string): ElementInfo | undefined {
  // Inherited children (id, extension, meta, …) are listed under each ancestor type, so climb until one knows it.
  for (let b = base ?? undefined; b; b = r4.type2Parent[b]) {
    const owner = r4.pathsDefinedElsewhere[b] ?? b;
    const path = `${owner}.${name}`;
    const choiceTypes = r4.choiceTypePaths[path];
    if (choiceTypes) return { path, repeating: false, choiceTypes };
    const elsewhere = r4.pathsDefinedElsewhere[path];
    if (elsewhere) return { path, repeating: isRepeating(elsewhere), type: 'BackboneElement' };
    const type = typeCode(r4.path2Type[path]);
    if (type) return { path, repeating: isRepeating(path), type };
  }
  return undefined;
}

/** Whether the model knows `base` at all, so that an unknown child of it is an error rather than a gap in our knowledge. */
export function isKnownBase(base: string | null | undefined): boolean {
  if (!base) return false;
  return base in r4.type2Parent || base in r4.path2Type || base in r4.pathsDefinedElsewhere;
}

/** Where the children of a value placed in `element` are defined, given the concrete type the value has. */
export function childBase(element: ElementInfo | undefined, concreteType?: string): string | undefined {
  if (concreteType) return concreteType;
  if (!element) return undefined;
  if (element.type === 'BackboneElement' || element.type === 'Element') {
    return r4.pathsDefinedElsewhere[element.path] ?? element.path;
  }
  return element.type;
}

/** `valueDateTime` → `dateTime`, `valueQuantity` → `Quantity`: the type a `value[x]` suffix names. */
export function typeFromSuffix(suffix: string): string {
  const lower = suffix.charAt(0).toLowerCase() + suffix.slice(1);
  return isPrimitive(lower) ? lower : suffix;
}

export function suffixOf(type: string): string {
  return type.charAt(0).toUpperCase() + type.slice(1);
}

export function isPrimitive(type: string): boolean {
  return /^[a-z]/.test(type) && type in r4.type2Parent;
}

/**
 * Whether a value of type `actual` may stand where `expected` is declared. Primitives are not told apart
 * (their JSON forms overlap and the resource validator checks formats); complex types must match or derive.
 */
export function typeFits(expected: string | undefined, actual: string | undefined): boolean {
  if (!expected || !actual) return true;
  const actualPrimitive = isPrimitive(actual);
  if (expected.startsWith('System.') || isPrimitive(expected)) return actualPrimitive;
  if (actualPrimitive) return false;
  if (expected === 'BackboneElement' || expected === 'Element') return false;
  for (let t: string | undefined = actual; t; t = r4.type2Parent[t]) if (t === expected) return true;
  return false;
}

function isRepeating(path: string): boolean {
  return r4.path2Repeating[path] === true;
}

function typeCode(entry: TypeEntry): string | undefined {
  return typeof entry === 'object' ? entry.code : entry;
}
