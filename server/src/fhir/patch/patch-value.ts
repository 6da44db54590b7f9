// Turns the `value` part of a FHIRPath Patch operation into the JSON to place in the resource.
// https://hl7.org/fhir/R4/fhirpatch.html
import type { ParametersParameter } from 'fhir/r4.js';
import { unprocessable } from '../../core/outcomes.js';
import { childBase, childElement, isKnownBase, suffixOf, typeFits, typeFromSuffix, type ElementInfo } from './fhir-model.js';
import { cloneExact, exactTextOf, markExact } from '../../core/exact-numbers.js';

export interface BuiltValue {
  value: unknown;
  /** FHIR type the value declares (from `value[x]` or `resource`); undefined for values built from parts. */
  type?: string;
  /** The text of a decimal as the patch gave it (`valueDecimal: 1.50`), kept where the value is placed. */
  text?: string;
}

/** The `value[x]` key of a part, if it has one. */
export function valueKey(part: object): string | undefined {
  return Object.keys(part).find((k) => /^value[A-Z]/.test(k));
}

/**
 * Builds the value for `element`. Nested parts become an object whose children are checked against the model,
 * so that repeating children become arrays and a choice child `value` given as `valueQuantity` keeps that key.
 */
export function buildValue(part: ParametersParameter, element: ElementInfo | undefined, where: string, expression?: string): BuiltValue {
  const key = valueKey(part);
  if (key) {
    const type = typeFromSuffix(key.slice('value'.length));
    const raw = (part as unknown as Record<string, unknown>)[key];
    return { value: cloneExact(raw), type, text: typeof raw === 'number' ? exactTextOf(part, key) : undefined };
  }
  if (part.resource) return { value: cloneExact(part.resource), type: part.resource.resourceType };
  return { value: buildComplex(part.part ?? [], childBase(element), where, expression) };
}

function buildComplex(parts: ParametersParameter[], base: string | undefined, where: string, expression?: string): Record<string, unknown> {
  const known = isKnownBase(base);
  const out: Record<string, unknown> = {};
  for (const sub of parts) {
    const label = `${where}.${sub.name}`;
    const child = childElement(base, sub.name);
    if (known && !child) throw unprocessable(`${label}: ${base} has no element '${sub.name}'`, expression);
    const built = buildValue(sub, child, label, expression);
    const key = elementKey(child, sub.name, built, label, expression);
    place(out, key, built.value, child ? child.repeating : key in out, label, expression);
    keepText(built, out, key);
  }
  return out;
}

/**
 * The JSON property name for a value placed in `element` under `name`: for a choice element the type is part
 * of the name (`value` + Quantity → `valueQuantity`). Also rejects values whose type does not fit.
 */
export function elementKey(element: ElementInfo | undefined, name: string, built: BuiltValue, where: string, expression?: string): string {
  if (element?.choiceTypes) {
    if (!built.type) {
      throw unprocessable(`${where}: '${name}' is a choice element, so its value needs a type (value[x]), not parts`, expression);
    }
    const suffix = suffixOf(built.type);
    if (!element.choiceTypes.includes(suffix)) {
      throw unprocessable(`${where}: ${element.path} cannot be a ${built.type}; allowed: ${element.choiceTypes.join(', ')}`, expression);
    }
    return name + suffix;
  }
  if (!typeFits(element?.type, built.type)) {
    throw unprocessable(`${where}: ${element!.path} is a ${element!.type}, not a ${built.type}`, expression);
  }
  return name;
}

/** Sets or appends `value` at `key`; a second value for a single-valued element is an error, not an overwrite. */
export function place(
  target: Record<string, unknown>,
  key: string,
  value: unknown,
  repeating: boolean,
  where: string,
  expression?: string,
): void {
  const existing = target[key];
  if (repeating) {
    if (existing === undefined) target[key] = [value];
    else if (Array.isArray(existing)) existing.push(value);
    else throw unprocessable(`${where}: '${key}' holds a single value where a list was expected`, expression);
    // Keep a primitive's parallel `_key` list (ids and extensions) aligned with the value list.
    const ext = target[`_${key}`];
    if (Array.isArray(ext)) while (ext.length < (target[key] as unknown[]).length) ext.push(null);
    return;
  }
  if (existing !== undefined) {
    throw unprocessable(`${where}: '${key}' already has a value and does not repeat; use replace`, expression);
  }
  target[key] = value;
}

/** Gives a placed decimal its text: at `container[key]`, or at item `index` (by default the last) of that list. */
export function keepText(built: BuiltValue, container: Record<string, unknown>, key: string, index?: number): void {
  if (built.text === undefined) return;
  const at = container[key];
  if (Array.isArray(at)) markExact(at, index ?? at.length - 1, built.text);
  else markExact(container, key, built.text);
}
