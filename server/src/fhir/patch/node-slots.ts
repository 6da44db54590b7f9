// Maps FHIRPath result nodes back to the JSON properties they were read from, and edits those properties.
// https://hl7.org/fhir/R4/fhirpatch.html (JSON representation of primitives: https://hl7.org/fhir/R4/json.html#primitive)
import type { ResourceNode } from 'fhirpath';
import { unprocessable } from '../../core/outcomes.js';
import { childElement, type ElementInfo } from './fhir-model.js';

export type Json = Record<string, unknown>;

/** One JSON property of the resource, or one entry of it when it is a list. */
export interface Slot {
  container: Json;
  /** The property as spelled in JSON: a choice element `value` is stored as e.g. `valueQuantity`. */
  key: string;
  /** The element name FHIRPath navigated by (`value` for `valueQuantity`). */
  name: string;
  index?: number;
  element?: ElementInfo;
}

/** A list property as a whole: where insert and move work. */
export type ListRef = Omit<Slot, 'index'>;

export const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Resolves nodes by walking their parent chain (property name + list index) down from the resource we patch,
 * never by trusting the node's data: a node reached through something other than the resource (a constant,
 * a function result) has no such chain and is refused.
 */
export class Locator {
  constructor(
    private readonly root: Json,
    private readonly where: string,
    private readonly expression?: string,
  ) {}

  isRoot(node: ResourceNode): boolean {
    return !node.parentResNode && node.data === this.root;
  }

  slotOf(node: ResourceNode): Slot {
    const parent = node.parentResNode;
    const name = node.propName;
    if (!parent || !name) throw this.notInResource();
    const container = this.childrenOf(parent, false);
    const element = childElement(parent.path, name);
    const key = resolveKey(container, name, element);
    if (!key) throw this.notInResource();
    const slot: Slot = { container, key, name, element, index: node.index ?? undefined };
    if (slot.index !== undefined && !Array.isArray(container[key]) && !Array.isArray(container[`_${key}`])) {
      throw this.notInResource();
    }
    const value = readSlot(slot);
    // Object nodes carry the very object they were read from; anything else means the walk went astray.
    if (isObject(value) && value !== node.data) throw this.notInResource();
    return slot;
  }

  /** The object holding `node`'s children; for a primitive that is its `_name` sibling, made on demand. */
  childrenOf(node: ResourceNode, create: boolean): Json {
    if (!node.parentResNode) {
      if (node.data !== this.root) throw this.notInResource();
      return this.root;
    }
    const slot = this.slotOf(node);
    const value = readSlot(slot);
    if (isObject(value)) return value;
    const extKey = `_${slot.key}`;
    const { container } = slot;
    if (slot.index === undefined) {
      if (!isObject(container[extKey]) && create) container[extKey] = {};
      if (isObject(container[extKey])) return container[extKey];
      throw this.notInResource();
    }
    if (!Array.isArray(container[extKey]) && create) {
      container[extKey] = (container[slot.key] as unknown[]).map(() => null);
    }
    const ext = container[extKey];
    if (Array.isArray(ext)) {
      if (!isObject(ext[slot.index]) && create) ext[slot.index] = {};
      if (isObject(ext[slot.index])) return ext[slot.index] as Json;
    }
    throw this.notInResource();
  }

  private notInResource() {
    return unprocessable(`${this.where}: path selects something that is not an element of this resource`, this.expression);
  }
}

function resolveKey(container: Json, name: string, element: ElementInfo | undefined): string | undefined {
  if (name in container || `_${name}` in container) return name;
  return element?.choiceTypes?.map((t) => name + t).find((k) => k in container || `_${k}` in container);
}

export function readSlot(slot: Slot): unknown {
  const value = slot.container[slot.key];
  if (slot.index === undefined) return value;
  return Array.isArray(value) ? value[slot.index] : undefined;
}

/** Deletes the property or list entry together with its `_` sibling, so no orphaned extensions remain. */
export function removeSlot(slot: Slot): void {
  const { container, key, index } = slot;
  if (index === undefined) {
    delete container[key];
    delete container[`_${key}`];
    return;
  }
  for (const k of [key, `_${key}`]) {
    const list = container[k];
    if (Array.isArray(list)) list.splice(index, 1);
  }
  dropEmptyLists(container, key);
}

/** Replaces the value in place; for a choice element `key` may differ from the slot's (valueString → valueQuantity). */
export function writeSlot(slot: Slot, key: string, value: unknown): void {
  const { container, index } = slot;
  if (index === undefined) {
    // The old id/extensions described the old value.
    delete container[`_${slot.key}`];
    // Deleting only when the key changes keeps the property where it was in the JSON.
    if (key !== slot.key) delete container[slot.key];
    container[key] = value;
    return;
  }
  (container[slot.key] as unknown[])[index] = value;
  const ext = container[`_${slot.key}`];
  if (Array.isArray(ext)) ext[index] = null;
  dropEmptyLists(container, slot.key);
}

export function listLength(list: ListRef): number {
  const values = list.container[list.key];
  return Array.isArray(values) ? values.length : 0;
}

export function insertInto(list: ListRef, index: number, value: unknown): void {
  const { container, key } = list;
  if (container[key] === undefined) container[key] = [];
  (container[key] as unknown[]).splice(index, 0, value);
  const ext = container[`_${key}`];
  if (Array.isArray(ext)) ext.splice(index, 0, null);
}

export function moveWithin(list: ListRef, from: number, to: number): void {
  for (const k of [list.key, `_${list.key}`]) {
    const items = list.container[k];
    if (!Array.isArray(items)) continue;
    const [moved] = (items as unknown[]).splice(from, 1);
    items.splice(to, 0, moved);
  }
}

function dropEmptyLists(container: Json, key: string): void {
  const values = container[key];
  if (Array.isArray(values) && values.length === 0) delete container[key];
  const ext = container[`_${key}`];
  if (Array.isArray(ext) && ext.every((e) => e === null || e === undefined)) delete container[`_${key}`];
}
