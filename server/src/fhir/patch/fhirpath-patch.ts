// Applies a FHIRPath Patch (a Parameters resource of add/insert/delete/replace/move operations) to a resource.
// https://hl7.org/fhir/R4/fhirpatch.html
import type { Resource } from 'fhir/r4.js';
import fhirpath, { type ResourceNode } from 'fhirpath';
import r4 from 'fhirpath/fhir-context/r4';
import { unprocessable } from '../../core/outcomes.js';
import { childElement, isKnownBase } from './fhir-model.js';
import { parseFhirPathPatch, type PatchOperation } from './fhirpath-patch-parse.js';
import { insertInto, isObject, listLength, Locator, moveWithin, removeSlot, writeSlot, type Json, type ListRef } from './node-slots.js';
import { buildValue, elementKey, keepText, place } from './patch-value.js';
import { cloneExact } from '../../core/exact-numbers.js';

export function applyFhirPathPatch(resource: Resource, parameters: unknown): Resource {
  const ops = parseFhirPathPatch(parameters);
  // Operations edit a copy: one failing leaves the caller's resource as it was (the patch is atomic).
  const doc = cloneExact(resource) as unknown as Json;
  for (const op of ops) applyOperation(doc, op);
  prune(doc);
  return doc as unknown as Resource;
}

function applyOperation(doc: Json, op: PatchOperation): void {
  const fail = (what: string) => unprocessable(`${op.label}: ${what}`, op.expression);
  const locator = new Locator(doc, op.label, op.expression);
  const nodes = select(doc, op.path, op);
  switch (op.type) {
    case 'add': {
      const target = single(nodes, op);
      const name = op.name!;
      const element = childElement(target.path, name);
      if (!element && isKnownBase(target.path)) throw fail(`${target.path} has no element '${name}'`);
      const container = locator.childrenOf(target, true);
      const built = buildValue(op.value!, element, op.label, op.expression);
      const key = elementKey(element, name, built, op.label, op.expression);
      // A choice element holds one type at a time, so valueString blocks adding valueQuantity.
      const taken = element?.choiceTypes?.map((t) => name + t).find((k) => container[k] !== undefined);
      if (taken) throw fail(`'${name}' already has a value (${taken}); use replace`);
      place(container, key, built.value, element ? element.repeating : Array.isArray(container[key]), op.label, op.expression);
      keepText(built, container, key);
      return;
    }
    case 'insert': {
      const list = listFor(nodes, op, locator, doc);
      const length = listLength(list);
      if (op.index! < 0 || op.index! > length) {
        throw fail(`index ${op.index} is out of range: the list has ${length} element(s), so index must be 0..${length}`);
      }
      const built = buildValue(op.value!, list.element, op.label, op.expression);
      elementKey(list.element, list.name, built, op.label, op.expression);
      insertInto(list, op.index!, built.value);
      keepText(built, list.container, list.key, op.index);
      return;
    }
    case 'delete': {
      // The spec deletes "if found": nothing matching is success, not an error.
      if (nodes.length === 0) return;
      if (nodes.length > 1) throw fail(`path matches ${nodes.length} elements; delete removes exactly one`);
      if (locator.isRoot(nodes[0])) throw fail('cannot delete the resource itself');
      removeSlot(locator.slotOf(nodes[0]));
      return;
    }
    case 'replace': {
      const target = single(nodes, op);
      if (locator.isRoot(target)) throw fail('cannot replace the resource itself');
      const slot = locator.slotOf(target);
      const built = buildValue(op.value!, slot.element, op.label, op.expression);
      const key = elementKey(slot.element, slot.name, built, op.label, op.expression);
      writeSlot(slot, key, built.value);
      keepText(built, slot.container, slot.index === undefined ? key : slot.key, slot.index);
      return;
    }
    case 'move': {
      const list = listFor(nodes, op, locator, doc);
      const length = listLength(list);
      for (const [what, i] of [
        ['source', op.source!],
        ['destination', op.destination!],
      ] as const) {
        if (i < 0 || i >= length) {
          throw fail(`${what} index ${i} is out of range: the list has ${length} element(s), so it must be 0..${length - 1}`);
        }
      }
      moveWithin(list, op.source!, op.destination!);
      return;
    }
  }
}

function select(doc: Json, path: string, op: PatchOperation): ResourceNode[] {
  let result: unknown[];
  try {
    // %resource and %rootResource are not preset by fhirpath.js; the spec's paths may use them.
    const env = { resource: doc, rootResource: doc };
    result = fhirpath.evaluate(doc, path, env, r4, { resolveInternalTypes: false }) as unknown[];
  } catch (err) {
    throw unprocessable(`${op.label}: path cannot be evaluated: ${(err as Error).message}`, op.expression);
  }
  // Arithmetic or functions like count() yield values that live nowhere in the resource.
  if (!result.every((n) => isObject(n) && 'parentResNode' in n)) {
    throw unprocessable(`${op.label}: path must select elements of the resource, not computed values`, op.expression);
  }
  return result as ResourceNode[];
}

function single(nodes: ResourceNode[], op: PatchOperation): ResourceNode {
  if (nodes.length === 1) return nodes[0];
  const what = nodes.length === 0 ? 'path does not exist' : `path matches ${nodes.length} elements; it must match exactly one`;
  throw unprocessable(`${op.label}: ${what}`, op.expression);
}

/**
 * The list an insert or move works on. The path names the collection (`Patient.identifier`), so it may match
 * several nodes, but they must all be entries of one list. An insert into a list that is still empty matches
 * nothing; then the list is found from its parent instead.
 */
function listFor(nodes: ResourceNode[], op: PatchOperation, locator: Locator, doc: Json): ListRef {
  const fail = (what: string) => unprocessable(`${op.label}: ${what}`, op.expression);
  if (nodes.length === 0) {
    const m = /^(?:(.+)\.)?([A-Za-z][A-Za-z0-9_]*)$/.exec(op.path);
    if (op.type !== 'insert' || !m) throw fail('path does not exist');
    const parents = select(doc, m[1] ?? '%resource', op);
    if (parents.length !== 1) throw fail('path does not exist');
    const element = childElement(parents[0].path, m[2]);
    if (!element && isKnownBase(parents[0].path)) throw fail(`${parents[0].path} has no element '${m[2]}'`);
    if (element && !element.repeating) throw fail(`${element.path} is not a list`);
    return { container: locator.childrenOf(parents[0], true), key: m[2], name: m[2], element };
  }
  if (nodes.some((n) => locator.isRoot(n))) throw fail('path selects the resource itself, not a list');
  const slots = nodes.map((n) => locator.slotOf(n));
  const [first] = slots;
  if (slots.some((s) => s.container !== first.container || s.key !== first.key)) {
    throw fail(`path matches ${nodes.length} elements in different lists; it must select a single list`);
  }
  if (first.index === undefined || (first.element && !first.element.repeating)) throw fail(`${first.key} is not a list`);
  return { container: first.container, key: first.key, name: first.name, element: first.element };
}

/** FHIR JSON has no empty objects or arrays; deletes can leave them behind (e.g. a name whose only text went). */
function prune(value: unknown): boolean {
  if (Array.isArray(value)) {
    for (let i = value.length - 1; i >= 0; i--) if (isObject(value[i]) && prune(value[i])) value.splice(i, 1);
    return value.length === 0;
  }
  if (!isObject(value)) return false;
  for (const [k, v] of Object.entries(value)) {
    // A primitive list's `_` twin keeps positions with nulls; removing entries would misalign it.
    if (k.startsWith('_') && Array.isArray(v)) {
      v.forEach((e, i) => isObject(e) && prune(e) && (v[i] = null));
      if (v.every((e) => e === null)) delete value[k];
    } else if ((isObject(v) || Array.isArray(v)) && prune(v)) {
      delete value[k];
    }
  }
  return Object.keys(value).length === 0;
}
