// Checks of one value against its element: fixed and pattern values, minValue/maxValue, maxLength and bindings.
// https://hl7.org/fhir/R4/elementdefinition-definitions.html#ElementDefinition.fixed_x_ and .pattern_x_, terminologies.html#strength
import type { OperationOutcomeIssue } from 'fhir/r4.js';
import { jsonText } from '../core/json-text.js';
import { issue } from '../core/outcomes.js';
import type { ElementPlan } from './element-plan.js';
import { inCodeSet, type CodeSet } from './value-sets.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  if (isObj(a) && isObj(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => deepEqual(a[k], b[k]));
  }
  return typeof a === 'number' && typeof b === 'number' ? a === b : false;
}

/** Pattern semantics: every element of the pattern is in the value; a pattern array's items each match some item. */
export function matchesPattern(value: unknown, pattern: unknown): boolean {
  if (Array.isArray(pattern)) {
    const values = Array.isArray(value) ? value : [value];
    return pattern.every((p) => values.some((v) => matchesPattern(v, p)));
  }
  if (isObj(pattern)) return isObj(value) && Object.keys(pattern).every((k) => matchesPattern(value[k], pattern[k]));
  return value === pattern;
}

const show = (v: unknown) => {
  const text = typeof v === 'string' ? v : JSON.stringify(v);
  return `'${text.length > 100 ? `${text.slice(0, 97)}...` : text}'`;
};

export function checkFixedAndPattern(plan: ElementPlan, value: unknown, at: string, out: OperationOutcomeIssue[]): void {
  if (plan.fixed !== undefined && !deepEqual(value, plan.fixed)) {
    out.push(issue({ code: 'value', diagnostics: `${at}: value ${show(value)} must be exactly ${show(plan.fixed)}`, expression: at }));
  } else if (plan.pattern !== undefined && !matchesPattern(value, plan.pattern)) {
    out.push(
      issue({
        code: 'value',
        diagnostics: `${at}: value ${show(value)} does not match the required pattern ${show(plan.pattern)}`,
        expression: at,
      }),
    );
  }
}

/** Limits apply to numbers, to Quantity values and to dates/times (compared as ISO strings of the same shape). */
export function checkLimits(plan: ElementPlan, value: unknown, at: string, out: OperationOutcomeIssue[]): void {
  if (plan.maxLength !== undefined && typeof value === 'string' && value.length > plan.maxLength) {
    out.push(
      issue({
        code: 'too-long',
        diagnostics: `${at}: ${value.length} characters, but at most ${plan.maxLength} are allowed`,
        expression: at,
      }),
    );
  }
  if (plan.minValue === undefined && plan.maxValue === undefined) return;
  const limit = (l: unknown) => (isObj(l) ? l.value : l);
  const actual = isObj(value) ? value.value : value;
  const min = limit(plan.minValue);
  const max = limit(plan.maxValue);
  if (min !== undefined && compare(actual, min) < 0) {
    out.push(issue({ code: 'value', diagnostics: `${at}: value ${show(actual)} is below the minimum ${show(min)}`, expression: at }));
  } else if (max !== undefined && compare(actual, max) > 0) {
    out.push(issue({ code: 'value', diagnostics: `${at}: value ${show(actual)} is above the maximum ${show(max)}`, expression: at }));
  }
}

function compare(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  return 0;
}

const STRENGTH_SEVERITY: Record<string, 'error' | 'warning' | undefined> = {
  required: 'error',
  extensible: 'warning',
  preferred: 'warning',
};

/** Codes a value carries, as `system|code` (system empty when the value has none). */
function codesOf(value: unknown, type: string): string[] | undefined {
  if (typeof value === 'string') return type === 'code' || type === 'string' || type === 'uri' ? [`|${value}`] : undefined;
  if (!isObj(value)) return undefined;
  if (type === 'Coding' || type === 'Quantity')
    return value.code === undefined ? [] : [`${jsonText(value.system)}|${jsonText(value.code)}`];
  if (type === 'CodeableConcept') {
    const codings = Array.isArray(value.coding) ? value.coding : [];
    return codings
      .filter(isObj)
      .filter((c) => c.code !== undefined)
      .map((c) => `${jsonText(c.system)}|${jsonText(c.code)}`);
  }
  return undefined;
}

export function checkBinding(
  plan: ElementPlan,
  value: unknown,
  type: string,
  at: string,
  codeSet: (url: string) => CodeSet | null,
  errorsOnly: boolean,
  out: OperationOutcomeIssue[],
): void {
  const binding = plan.binding;
  if (!binding) return;
  const severity = STRENGTH_SEVERITY[binding.strength];
  if (!severity || (errorsOnly && severity !== 'error')) return;
  const codes = codesOf(value, type);
  // A Quantity without a coded unit, or a concept given as text only, is not held to the value set (nothing to check).
  if (!codes || codes.length === 0) return;
  const set = codeSet(binding.valueSet);
  if (!set) return;
  if (codes.some((pair) => inCodeSet(set, pair))) return;
  const shown = codes.map((c) => (c.startsWith('|') ? c.slice(1) : c)).join(', ');
  out.push(
    issue({
      severity,
      code: 'code-invalid',
      diagnostics: `${at}: ${shown} is not in the value set ${binding.valueSet} (${binding.strength} binding)`,
      expression: at,
    }),
  );
}
