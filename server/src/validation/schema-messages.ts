// Turns ajv errors from the R4 JSON schema into one readable OperationOutcomeIssue per element.
// https://hl7.org/fhir/R4/operationoutcome.html (issue.expression, issue.diagnostics)
import type { ErrorObject } from 'ajv';
import type { OperationOutcomeIssue } from 'fhir/r4.js';
import { jsonText } from '../core/json-text.js';
import { issue, type IssueCode } from '../core/outcomes.js';
import { fhirPathOf } from './instance-path.js';
import { CALENDAR_KEYWORD, RESOURCE_KEYWORD } from './schema-fixes.js';

/** ajv reports these around the real cause; the specific errors underneath say more. */
const AGGREGATES = new Set(['oneOf', 'anyOf', 'allOf', 'if', 'not', '$ref']);
/** When several errors hit one element, the lowest rank wins: a wrong JSON type explains everything else. */
const RANK: Record<string, number> = {
  type: 0,
  [RESOURCE_KEYWORD]: 0,
  required: 1,
  additionalProperties: 1,
  enum: 2,
  const: 2,
  pattern: 3,
};
const MAX_CODES_LISTED = 12;

interface Ranked {
  rank: number;
  issue: OperationOutcomeIssue;
}

/**
 * `root` is the validated resource (errors are resolved against it for their values, since ajv keeps only the
 * outermost data for errors passed up through the nested-resource keyword); `names` maps schema objects to their
 * definition names (date, HumanName...).
 */
export function issuesFromAjv(errors: ErrorObject[], type: string, root: unknown, names: Map<object, string>): OperationOutcomeIssue[] {
  const relevant = errors.filter((e) => !isNullAlternative(e));
  const within = (o: ErrorObject, e: ErrorObject) => o.instancePath === e.instancePath || o.instancePath.startsWith(`${e.instancePath}/`);
  const specific = relevant.filter((e) => !AGGREGATES.has(e.keyword) || !relevant.some((o) => !AGGREGATES.has(o.keyword) && within(o, e)));
  const best = new Map<string, Ranked>();
  for (const e of specific) {
    const ranked = toIssue(e, type, root, names);
    const key = ranked.issue.expression![0];
    const held = best.get(key);
    if (!held || ranked.rank < held.rank) best.set(key, ranked);
  }
  return [...best.values()].map((r) => r.issue);
}

/** The `null` branch of a primitive array's items (see schema-fixes.ts) never explains a failure. */
function isNullAlternative(e: ErrorObject): boolean {
  return e.keyword === 'type' && (e.params as { type?: unknown }).type === 'null';
}

function toIssue(e: ErrorObject, type: string, root: unknown, names: Map<object, string>): Ranked {
  const at = fhirPathOf(type, e.instancePath);
  const p = e.params as Record<string, unknown>;
  const data = valueAt(root, e.instancePath);
  const fhirType = e.parentSchema ? names.get(e.parentSchema) : undefined;
  const rank = RANK[e.keyword] ?? 4;
  const make = (code: IssueCode, diagnostics: string, expression = at): Ranked => ({
    rank,
    issue: issue({ code, diagnostics, expression }),
  });
  switch (e.keyword) {
    case 'additionalProperties': {
      const name = String(p.additionalProperty);
      return make('structure', `${at}.${name}: unknown element '${name}'`, `${at}.${name}`);
    }
    case 'required': {
      const name = String(p.missingProperty);
      return make('required', `${at}.${name}: minimum required = 1, but only found 0`, `${at}.${name}`);
    }
    case 'type':
      return make('structure', `${at}: expected ${expected(String(p.type), fhirType)}, but found ${found(data)}`);
    case 'enum': {
      const codes = (p.allowedValues as unknown[]).map(String);
      const listed = codes.length > MAX_CODES_LISTED ? `${codes.slice(0, MAX_CODES_LISTED).join(', ')}, ...` : codes.join(', ');
      return make('value', `${at}: value ${show(data)} is not one of the allowed codes (${listed})`);
    }
    case 'const':
      return make('value', `${at}: value ${show(data)} must be '${String(p.allowedValue)}'`);
    case 'pattern':
      if (data === '') return make('value', `${at}: empty strings are not allowed; leave the element out instead`);
      return make('value', `${at}: value ${show(data)} does not match the ${fhirType ?? 'required'} format`);
    case 'minItems':
      return make('structure', `${at}: empty arrays are not allowed; leave the element out instead`);
    case 'minProperties':
      return make('structure', `${at}: empty objects are not allowed; leave the element out instead`);
    case 'minimum':
    case 'maximum':
      return make(
        'value',
        `${at}: value ${show(data)} is out of range for ${fhirType ?? 'this element'} (${e.keyword} ${String(p.limit)})`,
      );
    case CALENDAR_KEYWORD:
      return make('value', `${at}: value ${show(data)} is not a real ${String(p.type)}: it ${String(p.problem)}`);
    case RESOURCE_KEYWORD:
      return make(
        'structure',
        e.instancePath.endsWith('/resourceType')
          ? `${at}: ${show(data)} is not an R4 resource type`
          : `${at}: expected a resource (a JSON object with a resourceType), but found ${found(data)}`,
      );
    default:
      return make('structure', `${at}: ${e.message ?? 'is invalid'}`);
  }
}

function expected(jsonType: string, fhirType: string | undefined): string {
  if (jsonType === 'array') return 'an array (this element repeats)';
  if (jsonType === 'object') return fhirType && /^[A-Z][A-Za-z]*$/.test(fhirType) ? `a ${fhirType} (a JSON object)` : 'a JSON object';
  if (jsonType === 'boolean') return 'a boolean (true or false)';
  const json = jsonType === 'integer' ? 'a whole number' : `a ${jsonType}`;
  return fhirType && fhirType !== jsonType ? `${json} (${fhirType})` : json;
}

function found(data: unknown): string {
  if (data === null) return 'null';
  if (Array.isArray(data)) return 'an array';
  if (typeof data === 'object') return 'an object';
  if (typeof data === 'string') return `the string ${show(data)}`;
  return `the ${typeof data} ${jsonText(data)}`;
}

function show(data: unknown): string {
  const text = typeof data === 'string' ? data : (JSON.stringify(data) ?? String(data));
  return `'${text.length > 80 ? `${text.slice(0, 77)}...` : text}'`;
}

function valueAt(root: unknown, pointer: string): unknown {
  let node = root;
  for (const raw of pointer.split('/').slice(1)) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Record<string, unknown>)[raw.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return node;
}
