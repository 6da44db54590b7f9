// Assigns the values of a sliced element to slices by their discriminators (value, pattern, type, exists, profile),
// then checks each slice's cardinality and closed slicing. https://hl7.org/fhir/R4/profiling.html#discriminator
import type { OperationOutcomeIssue } from 'fhir/r4.js';
import { issue } from '../core/outcomes.js';
import type { ElementPlan } from './element-plan.js';
import { deepEqual, matchesPattern } from './value-checks.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

export interface SliceValue {
  value: unknown;
  /** The value's type: from its choice key, or its resourceType for resources. */
  type: string;
}

/** Whether a value conforms to a profile (for `profile` discriminators); supplied by the walker. */
export type ConformsTo = (value: unknown, type: string, profile: string) => boolean;

/** Values found at a simple dotted discriminator path (`coding.code`, `url`, `$this`); undefined for paths we cannot follow. */
const stepsCache = new Map<string, string[] | null>();
const STEP = /^[A-Za-z][A-Za-z0-9]*$/;
const EXTENSION_STEP = /^extension\('([^']*)'\)$/;

function valuesAt(value: unknown, path: string): unknown[] | undefined {
  if (path === '$this') return [value];
  let steps = stepsCache.get(path);
  if (steps === undefined) {
    const split = path.match(/extension\('[^']*'\)|[^.]+/g) ?? [];
    stepsCache.set(path, (steps = split.every((step) => STEP.test(step) || EXTENSION_STEP.test(step)) ? split : null));
  }
  if (!steps) return undefined;
  let current: unknown[] = [value];
  for (const step of steps) {
    const next: unknown[] = [];
    const url = EXTENSION_STEP.exec(step)?.[1];
    for (const v of current) {
      if (!isObj(v)) continue;
      if (url !== undefined) {
        // extension('url'): the extensions with that url (https://hl7.org/fhir/R4/fhirpath.html#functions)
        if (Array.isArray(v.extension)) next.push(...(v.extension as unknown[]).filter((x) => isObj(x) && x.url === url));
        continue;
      }
      const found = v[step];
      if (Array.isArray(found)) next.push(...(found as unknown[]));
      else if (found !== undefined) next.push(found);
    }
    current = next;
  }
  return current;
}

interface Expected {
  kind: 'fixed' | 'pattern';
  values: unknown[];
}

const expectedCache = new WeakMap<ElementPlan, Map<string, Expected | null>>();

/** The fixed or pattern value a slice demands at `path` (worked out once per slice and path). */
function expectedAt(slice: ElementPlan, path: string): Expected | undefined {
  let byPath = expectedCache.get(slice);
  if (!byPath) expectedCache.set(slice, (byPath = new Map<string, Expected | null>()));
  let found = byPath.get(path);
  if (found === undefined) byPath.set(path, (found = findExpected(slice, path) ?? null));
  return found ?? undefined;
}

/** From the element at `path` in the slice, or a pattern on one above it. */
function findExpected(slice: ElementPlan, path: string): Expected | undefined {
  const steps = path === '$this' ? [] : (path.match(/extension\('[^']*'\)|[^.]+/g) ?? []);
  let node: ElementPlan | undefined = slice;
  for (let i = 0; i <= steps.length; i++) {
    const rest = steps.slice(i).join('.');
    if (node.fixed !== undefined) return { kind: 'fixed', values: rest ? (valuesAt(node.fixed, rest) ?? []) : [node.fixed] };
    if (node.pattern !== undefined) return { kind: 'pattern', values: rest ? (valuesAt(node.pattern, rest) ?? []) : [node.pattern] };
    if (i === steps.length) return undefined;
    const step = steps[i];
    const child: ElementPlan | undefined = childAt(node, step);
    if (!child) {
      // Extension slices often leave their children unexpanded: the url is the extension's profile.
      const profile = node.types[0]?.profiles[0];
      if (rest === 'url' && node.types[0]?.code === 'Extension' && profile) return { kind: 'fixed', values: [profile] };
      return undefined;
    }
    node = child;
  }
  return undefined;
}

/** The element a dotted discriminator path names inside a slice (`resource` of a Bundle.entry slice). */
function pathNode(slice: ElementPlan, path: string): ElementPlan | undefined {
  return (path.match(/extension\('[^']*'\)|[^.]+/g) ?? []).reduce<ElementPlan | undefined>(
    (n, step) => (n ? childAt(n, step) : undefined),
    slice,
  );
}

const resourceTypeOf = (value: unknown): string | undefined =>
  isObj(value) && typeof value.resourceType === 'string' ? value.resourceType : undefined;

/** The child a discriminator step names: `code`, `valueCode` (of `value[x]`), or `extension('url')` (that extension's slice). */
function childAt(node: ElementPlan, step: string): ElementPlan | undefined {
  const url = EXTENSION_STEP.exec(step)?.[1];
  if (url === undefined) return node.children.find((c) => c.name === step || (c.isChoice && c.keyTypes.has(step)));
  const extension = node.children.find((c) => c.name === 'extension');
  return extension?.slices.find((s) => s.types[0]?.profiles[0] === url || s.children.find((c) => c.name === 'url')?.fixed === url);
}

function matchesDiscriminator(slice: ElementPlan, v: SliceValue, d: { type: string; path: string }, conformsTo: ConformsTo): boolean {
  if (d.type === 'type' || d.type === 'profile') {
    // At $this the slice's own type; at a path (Bundle.entry sliced by `resource`) the type of the element there.
    const node = d.path === '$this' ? slice : pathNode(slice, d.path);
    const targets = d.path === '$this' ? [v] : (valuesAt(v.value, d.path) ?? []).map((value) => ({ value, type: resourceTypeOf(value) }));
    if (!node || targets.length === 0) return true;
    if (d.type === 'type') return targets.every((t) => t.type === undefined || node.types.some((x) => x.code === t.type));
    const profile = node.types[0]?.profiles[0];
    return !profile || targets.every((t) => t.type !== undefined && conformsTo(t.value, t.type, profile));
  }
  if (d.type === 'exists') {
    const found = valuesAt(v.value, d.path);
    const child = d.path.split('.').reduce<ElementPlan | undefined>((n, step) => n?.children.find((c) => c.name === step), slice);
    if (!found || !child) return true;
    return child.min > 0 ? found.length > 0 : child.max === 0 ? found.length === 0 : true;
  }
  const expected = expectedAt(slice, d.path);
  const actual = valuesAt(v.value, d.path);
  if (!expected || !actual) return true;
  return expected.values.every((e) => actual.some((a) => (expected.kind === 'fixed' ? deepEqual(a, e) : matchesPattern(a, e))));
}

/** The slice each value belongs to (undefined: none), in order of the values. */
export function assignSlices(sliced: ElementPlan, values: SliceValue[], conformsTo: ConformsTo): (ElementPlan | undefined)[] {
  const discriminators = sliced.slicing?.discriminator ?? [];
  return values.map((v) =>
    sliced.slices.find((s) => discriminators.length > 0 && discriminators.every((d) => matchesDiscriminator(s, v, d, conformsTo))),
  );
}

export function checkSliceCounts(
  sliced: ElementPlan,
  assigned: (ElementPlan | undefined)[],
  at: string,
  out: OperationOutcomeIssue[],
): void {
  for (const slice of sliced.slices) {
    const n = assigned.filter((s) => s === slice).length;
    if (n < slice.min) {
      out.push(
        issue({
          code: 'required',
          diagnostics: `${at}: slice '${slice.sliceName}' requires at least ${slice.min} matching value${slice.min > 1 ? 's' : ''}${describe(sliced, slice)}, but found ${n}`,
          expression: at,
        }),
      );
    } else if (n > slice.max) {
      out.push(
        issue({
          code: 'structure',
          diagnostics: `${at}: slice '${slice.sliceName}' allows at most ${slice.max} value${slice.max === 1 ? '' : 's'}, but found ${n}`,
          expression: at,
        }),
      );
    }
  }
  if (sliced.slicing?.ordered) {
    // Ordered: values of a slice come after those of the slices defined before it (and unsliced ones last, when open-at-end).
    let last = -1;
    assigned.forEach((s, i) => {
      const rank = s ? sliced.slices.indexOf(s) : sliced.slicing?.rules === 'openAtEnd' ? sliced.slices.length : -1;
      if (rank < 0) return;
      if (rank < last) {
        out.push(
          issue({
            code: 'structure',
            diagnostics: `${at}[${i}]: slice '${s?.sliceName ?? 'unsliced'}' comes after a later slice, but the slicing is ordered`,
            expression: `${at}[${i}]`,
          }),
        );
      }
      last = Math.max(last, rank);
    });
  }
  if (sliced.slicing?.rules === 'closed') {
    assigned.forEach((s, i) => {
      if (s) return;
      const where = sliced.max > 1 ? `${at}[${i}]` : at;
      out.push(
        issue({
          code: 'structure',
          diagnostics: `${where}: matches none of the slices ${sliced.slices.map((x) => `'${x.sliceName}'`).join(', ')}, and the slicing is closed`,
          expression: where,
        }),
      );
    });
  }
}

/** A short description of what a value-sliced slice demands, e.g. ` (code.coding.code = '8867-4')`. */
function describe(sliced: ElementPlan, slice: ElementPlan): string {
  const parts = (sliced.slicing?.discriminator ?? []).flatMap((d) => {
    if (d.type !== 'value' && d.type !== 'pattern') return [];
    const e = expectedAt(slice, d.path);
    return e && e.values.length > 0 ? [`${d.path} = ${e.values.map((x) => JSON.stringify(x)).join(', ')}`] : [];
  });
  return parts.length > 0 ? ` (${parts.join(', ')})` : '';
}
