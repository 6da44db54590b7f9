// Invariants (ElementDefinition.constraint) compiled once: the hot base-R4 ones as native functions that do exactly
// what their FHIRPath says, every other one through fhirpath.js with its R4 model. https://hl7.org/fhir/R4/conformance-rules.html#constraints
import type { ElementDefinitionConstraint } from 'fhir/r4.js';
import fhirpath from 'fhirpath';
import r4 from 'fhirpath/fhir-context/r4';
import { deepEqual } from './value-checks.js';

type Obj = Record<string, unknown>;

export interface Invariant {
  key: string;
  severity: 'error' | 'warning';
  human: string;
  /** True when the value meets the invariant; evaluation failures count as met (and are listed in `unevaluable`). */
  holds(value: unknown, resource: Obj, rootResource: Obj): boolean;
  /**
   * It reads a bare JSON primitive right (NATIVE_ON_PRIMITIVES). fhirpath.js needs the typed node, which a primitive
   * element's value no longer is, so its invariants on primitives (txt-1's htmlChecks()...) are not run.
   */
  onPrimitives?: true;
}

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const present = (v: unknown) => v !== undefined && v !== null && !(Array.isArray(v) && v.length === 0);
/** Whether a choice element (`value[x]`) is present, as a value or as a primitive's `_valueString` extensions alone. */
const hasChoice = (o: Obj, name: string) =>
  Object.keys(o).some((k) => {
    const bare = k.charCodeAt(0) === 95 ? k.slice(1) : k;
    return bare.startsWith(name) && bare.length > name.length && bare.charCodeAt(name.length) < 91;
  });

/** R4 invariants evaluated natively, keyed by key and the exact R4 expression (a profile's rewrite goes to fhirpath). */
const NATIVE: Record<string, [string, (v: Obj, resource: Obj, root: Obj) => boolean]> = {
  'ext-1': ['extension.exists() != value.exists()', (v) => present(v.extension) !== hasChoice(v, 'value')],
  'att-1': ['data.empty() or contentType.exists()', (v) => !present(v.data) || present(v.contentType)],
  'cpt-2': ['value.empty() or system.exists()', (v) => !present(v.value) || present(v.system)],
  'qty-3': ['code.empty() or system.exists()', (v) => !present(v.code) || present(v.system)],
  'sqty-1': ['comparator.empty()', (v) => !present(v.comparator)],
  'ref-1': [
    "reference.startsWith('#').not() or (reference.substring(1).trace('url') in %rootResource.contained.id.trace('ids'))",
    (v, _r, root) =>
      typeof v.reference !== 'string' ||
      !v.reference.startsWith('#') ||
      (Array.isArray(root.contained) && root.contained.some((c) => isObj(c) && c.id === (v.reference as string).slice(1))),
  ],
  'per-1': ['start.hasValue().not() or end.hasValue().not() or (start <= end)', (v) => periodInOrder(v.start, v.end)],
  'obs-6': ['dataAbsentReason.empty() or value.empty()', (v) => !present(v.dataAbsentReason) || !hasChoice(v, 'value')],
  'obs-7': [
    'value.empty() or component.code.where(coding.intersect(%resource.code.coding).exists()).empty()',
    (v, resource) => !hasChoice(v, 'value') || !componentRepeatsCode(v, resource),
  ],
  // The vital signs profile (http://hl7.org/fhir/StructureDefinition/vitalsigns), which the FibroTrack wearable profiles derive from.
  'vs-2': [
    '(component.empty() and hasMember.empty()) implies (dataAbsentReason.exists() or value.exists())',
    (v) => present(v.component) || present(v.hasMember) || present(v.dataAbsentReason) || hasChoice(v, 'value'),
  ],
  'dom-2': ['contained.contained.empty()', (v) => !containedSome(v, (c) => present(c.contained))],
  'dom-4': [
    'contained.meta.versionId.empty() and contained.meta.lastUpdated.empty()',
    (v) => !containedSome(v, (c) => isObj(c.meta) && (present(c.meta.versionId) || present(c.meta.lastUpdated))),
  ],
  'dom-5': ['contained.meta.security.empty()', (v) => !containedSome(v, (c) => isObj(c.meta) && present(c.meta.security))],
  'dom-6': ['text.`div`.exists()', (v) => isObj(v.text) && present(v.text.div)],
  'dom-3': [
    "contained.where((('#'+id in (%resource.descendants().reference | %resource.descendants().as(canonical) | %resource.descendants().as(uri) | %resource.descendants().as(url))) or descendants().where(reference = '#').exists() or descendants().where(as(canonical) = '#').exists() or descendants().where(as(canonical) = '#').exists()).not()).trace('unmatched', id).empty()",
    containedAreReferenced,
  ],
};

/**
 * Invariants on primitive elements, evaluated natively on the JSON value: fhirpath.js, given a bare string, no longer
 * knows its FHIR type, so `$this as dateTime` is empty and vs-1 would hold for any value.
 */
const NATIVE_ON_PRIMITIVES: Record<string, [string, (v: unknown) => boolean]> = {
  // Observation.effective[x] of the vital signs profiles (dateTime or Period): a dateTime is precise to the day.
  'vs-1': ['($this as dateTime).toString().length() >= 8', (v) => typeof v !== 'string' || v.length >= 8],
  // ElementDefinition.max: '*' or a non-negative integer; a string toInteger() cannot read gives empty, which passes.
  'eld-3': [
    "empty() or ($this = '*') or (toInteger() >= 0)",
    (v) => typeof v !== 'string' || v === '*' || !/^[+-]?\d+$/.test(v) || Number(v) >= 0,
  ],
};

/** obs-7: a component whose code shares a Coding (all of it, as FHIRPath equality compares) with the resource's code. */
function componentRepeatsCode(v: Obj, resource: Obj): boolean {
  const codings = (cc: unknown): unknown[] => (isObj(cc) && Array.isArray(cc.coding) ? cc.coding : []);
  const own = codings(resource.code);
  if (own.length === 0 || !Array.isArray(v.component)) return false;
  return v.component.some((c) => isObj(c) && codings(c.code).some((x) => own.some((y) => deepEqual(x, y))));
}

function containedSome(v: Obj, test: (c: Obj) => boolean): boolean {
  return Array.isArray(v.contained) && v.contained.some((c) => isObj(c) && test(c));
}

/** dom-3: each contained resource is referred to ('#id') from elsewhere in the resource, or refers to its container ('#'). */
function containedAreReferenced(v: Obj): boolean {
  if (!Array.isArray(v.contained) || v.contained.length === 0) return true;
  const local = new Set<string>();
  collectLocalRefs(v, local);
  return v.contained.every((c) => {
    if (!isObj(c)) return true;
    if (typeof c.id === 'string' && local.has(`#${c.id}`)) return true;
    const own = new Set<string>();
    collectLocalRefs(c, own);
    return own.has('#');
  });
}

function collectLocalRefs(node: unknown, out: Set<string>): void {
  if (typeof node === 'string') {
    if (node.charCodeAt(0) === 35) out.add(node);
  } else if (Array.isArray(node)) {
    for (const x of node) collectLocalRefs(x, out);
  } else if (isObj(node)) {
    for (const k in node) collectLocalRefs(node[k], out);
  }
}

/**
 * FHIRPath compares dates of different precision as empty (so `or` lets them pass); same precision compares as
 * instants. We compare when both carry a time with zone, or both are plain dates of equal length.
 */
function periodInOrder(start: unknown, end: unknown): boolean {
  if (typeof start !== 'string' || typeof end !== 'string') return true;
  const timed = (s: string) => s.length > 10;
  if (timed(start) && timed(end)) {
    const a = Date.parse(start);
    const b = Date.parse(end);
    return Number.isNaN(a) || Number.isNaN(b) || a <= b;
  }
  if (!timed(start) && !timed(end) && start.length === end.length) return start <= end;
  return true;
}

/** Invariants fhirpath.js could not compile or evaluate, by key: they are skipped, not failed. */
export const unevaluable = new Map<string, string>();

const compiledCache = new Map<string, Invariant | null>();
const silent = { traceFn: () => undefined };

/** `base` is the element path the value sits at (`Observation`, `Patient.contact`, `Period`), for fhirpath types. */
export function compileInvariant(c: ElementDefinitionConstraint, base: string): Invariant | null {
  if (!c.expression || c.key === 'ele-1') return null;
  const cacheKey = `${base}|${c.key}|${c.expression}`;
  const cached = compiledCache.get(cacheKey);
  if (cached !== undefined) return cached;
  const severity = c.severity === 'error' ? 'error' : 'warning';
  const native = NATIVE[c.key];
  const onPrimitive = NATIVE_ON_PRIMITIVES[c.key];
  let inv: Invariant | null = null;
  if (onPrimitive && onPrimitive[0] === c.expression) {
    inv = { key: c.key, severity, human: c.human, holds: onPrimitive[1], onPrimitives: true };
  } else if (native && native[0] === c.expression) {
    const fn = native[1];
    inv = { key: c.key, severity, human: c.human, holds: (v, resource, root) => !isObj(v) || fn(v, resource, root) };
  } else {
    try {
      const fn = fhirpath.compile({ base, expression: c.expression }, r4, silent);
      inv = {
        key: c.key,
        severity,
        human: c.human,
        holds: (v, resource, root) => {
          try {
            const result = fn(v, { resource, rootResource: root }) as unknown[];
            return !(result.length === 1 && result[0] === false);
          } catch (err) {
            unevaluable.set(c.key, (err as Error).message);
            return true;
          }
        },
      };
    } catch (err) {
      unevaluable.set(c.key, (err as Error).message);
    }
  }
  compiledCache.set(cacheKey, inv);
  return inv;
}
