// Snapshot generation: the base definition's snapshot with the profile's differential applied element by element.
// New slices start as copies of the sliced element (and its children), children of datatypes are unfolded from the
// datatype's own snapshot when a differential reaches into them, and properties merge as ElementDefinition says:
// constraints, mappings and conditions add up, everything else the differential states replaces the base's.
// https://hl7.org/fhir/R4/profiling.html#snapshot https://hl7.org/fhir/R4/elementdefinition.html#interpretation
import type { ElementDefinition, StructureDefinition } from 'fhir/r4.js';

/** Finds a StructureDefinition (with snapshot) by canonical URL, `|version` dropped. */
export type ResolveDefinition = (url: string) => StructureDefinition | undefined;

const ADDITIVE = new Set(['constraint', 'mapping', 'condition']);
const KEEP = new Set(['id', 'path', 'base']);
/** Extensions that describe the base's own publication, not the element: a profile does not inherit them. */
const NOT_INHERITED = new Set([
  'http://hl7.org/fhir/StructureDefinition/structuredefinition-standards-status',
  'http://hl7.org/fhir/StructureDefinition/structuredefinition-normative-version',
]);

export function generateSnapshot(profile: StructureDefinition, resolve: ResolveDefinition): StructureDefinition {
  const base = profile.baseDefinition ? resolve(profile.baseDefinition) : undefined;
  if (!base?.snapshot) throw new Error(`${profile.url}: base definition ${profile.baseDefinition} not found or has no snapshot`);
  const elements = structuredClone(base.snapshot.element).map(withoutPublicationExtensions);
  const work: Work = { elements, inherited: new Map(), resolve, url: profile.url };
  for (const diff of profile.differential?.element ?? []) {
    if (!diff.id) throw new Error(`${profile.url}: differential element ${diff.path} has no id`);
    const i = findOrCreate(work, diff.id);
    if (!work.inherited.has(diff.id)) work.inherited.set(diff.id, structuredClone(elements[i]));
    elements[i] = merge(elements[i], diff);
  }
  return { ...profile, snapshot: { element: elements } };
}

interface Work {
  elements: ElementDefinition[];
  /** Elements as inherited, before this profile's differential changed them: what a new slice starts from. */
  inherited: Map<string, ElementDefinition>;
  resolve: ResolveDefinition;
  url: string;
}

function findOrCreate(work: Work, id: string): number {
  const { elements, url } = work;
  const found = elements.findIndex((e) => e.id === id);
  if (found >= 0) return found;
  const { parent, last } = splitId(id);
  if (!parent) throw new Error(`${url}: ${id} is not in the base definition`);
  const colon = last.indexOf(':');
  if (colon >= 0) return addSlice(work, `${parent}.${last.slice(0, colon)}`, last.slice(colon + 1));
  const p = findOrCreate(work, parent);
  if (!hasChildren(elements, p)) unfold(elements, p, work.resolve, url);
  const child = elements.findIndex((e) => e.id === id);
  if (child < 0) throw new Error(`${url}: ${id} is not an element of ${elements[p].id}`);
  return child;
}

/** A new slice of `slicedId`, placed after the sliced element's children and existing slices. It starts from the
 *  sliced element as inherited: what this profile says of the slicing entry (its cardinality, must-support) is about
 *  the element as a whole, not about each slice. */
function addSlice(work: Work, slicedId: string, sliceName: string): number {
  const { elements, inherited } = work;
  const s = findOrCreate(work, slicedId);
  const sliced = inherited.get(slicedId) ?? elements[s];
  const children = elements.filter((e) => e.id!.startsWith(`${slicedId}.`)).map((c) => inherited.get(c.id!) ?? c);
  const slice: ElementDefinition = { ...structuredClone(sliced), id: `${slicedId}:${sliceName}`, sliceName };
  delete slice.slicing;
  const typed = typeOfChoiceSlice(sliced, sliceName);
  if (typed) slice.type = [typed];
  const copies = children.map((c) => ({ ...structuredClone(c), id: `${slice.id}${c.id!.slice(slicedId.length)}` }));
  const at = endOfSubtree(elements, s, slicedId);
  elements.splice(at, 0, slice, ...copies);
  return at;
}

/** Inserts the children of element p's (single) type right after it, from the type's snapshot. */
function unfold(elements: ElementDefinition[], p: number, resolve: ResolveDefinition, url: string): void {
  const parent = elements[p];
  let source: ElementDefinition[];
  if (parent.contentReference) {
    const refId = parent.contentReference.slice(parent.contentReference.indexOf('#') + 1);
    // The referenced element and its own children, not the slices a profile made of it.
    source = elements.filter((e) => e.id === refId || e.id!.startsWith(`${refId}.`)).map((e) => structuredClone(e));
  } else {
    const types = parent.type ?? [];
    if (types.length !== 1) throw new Error(`${url}: cannot unfold ${parent.id}: it has ${types.length} types`);
    const t = types[0];
    const def = (t.profile?.length ? resolve(t.profile[0]) : undefined) ?? resolve(typeUrl(t.code));
    if (!def?.snapshot) throw new Error(`${url}: no snapshot for type ${t.code} of ${parent.id}`);
    source = structuredClone(def.snapshot.element);
  }
  const rootId = source[0].id!;
  const rootPath = source[0].path;
  const children = source.slice(1).map((c) => ({
    ...c,
    id: `${parent.id}${c.id!.slice(rootId.length)}`,
    path: `${parent.path}${c.path.slice(rootPath.length)}`,
  }));
  elements.splice(p + 1, 0, ...children);
}

function withoutPublicationExtensions(e: ElementDefinition): ElementDefinition {
  if (!e.extension) return e;
  const kept = e.extension.filter((x) => !NOT_INHERITED.has(x.url));
  // Replaced in place, so `extension` keeps its place after `id` (as in the base) and the generated bytes stay put.
  const out: ElementDefinition = { ...e, extension: kept };
  if (kept.length === 0) delete out.extension;
  return out;
}

/** value[x]:valueQuantity is the Quantity type of value[x], whatever else the differential says. */
function typeOfChoiceSlice(sliced: ElementDefinition, sliceName: string) {
  if (!sliced.path.endsWith('[x]')) return undefined;
  const name = sliced.path.slice(sliced.path.lastIndexOf('.') + 1, -3);
  return sliced.type?.find((t) => `${name}${t.code[0].toUpperCase()}${t.code.slice(1)}` === sliceName);
}

function merge(base: ElementDefinition, diff: ElementDefinition): ElementDefinition {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(diff)) {
    if (KEEP.has(k)) continue;
    if (ADDITIVE.has(k) && Array.isArray(out[k])) out[k] = addUnique(out[k] as unknown[], v as unknown[]);
    else out[k] = structuredClone(v);
  }
  return out as unknown as ElementDefinition;
}

function addUnique(base: unknown[], more: unknown[]): unknown[] {
  const seen = new Set(base.map((x) => JSON.stringify(x)));
  const keyOf = (x: unknown) => (x && typeof x === 'object' && 'key' in x ? String((x as { key: string }).key) : undefined);
  const keys = new Set(base.map(keyOf).filter(Boolean));
  return [...base, ...more.filter((x) => !seen.has(JSON.stringify(x)) && !(keyOf(x) && keys.has(keyOf(x))))];
}

function hasChildren(elements: ElementDefinition[], i: number): boolean {
  return elements[i + 1]?.id?.startsWith(`${elements[i].id}.`) ?? false;
}

/** Index just past the element at i with everything under it (children and slices of it). */
function endOfSubtree(elements: ElementDefinition[], i: number, id: string): number {
  let j = i + 1;
  while (j < elements.length && (elements[j].id!.startsWith(`${id}.`) || elements[j].id!.startsWith(`${id}:`))) j++;
  return j;
}

/** "Observation.value[x]:valueQuantity.code" -> parent "Observation.value[x]:valueQuantity", last "code". */
function splitId(id: string): { parent?: string; last: string } {
  // FibroTrack's slice names hold no dots, so the last dot separates the parent.
  const dot = id.lastIndexOf('.');
  return dot < 0 ? { last: id } : { parent: id.slice(0, dot), last: id.slice(dot + 1) };
}

function typeUrl(code: string): string {
  return code.includes('/') ? code : `http://hl7.org/fhir/StructureDefinition/${code}`;
}
