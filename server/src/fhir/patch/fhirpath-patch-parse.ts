// Reads a FHIRPath Patch Parameters resource into checked operations; anything malformed is a 400.
// https://hl7.org/fhir/R4/fhirpatch.html
import type { ParametersParameter } from 'fhir/r4.js';
import fhirpath from 'fhirpath';
import { badRequest } from '../../core/outcomes.js';
import { valueKey } from './patch-value.js';

export type PatchType = 'add' | 'insert' | 'delete' | 'replace' | 'move';

export interface PatchOperation {
  type: PatchType;
  path: string;
  name?: string;
  value?: ParametersParameter;
  index?: number;
  source?: number;
  destination?: number;
  /** For messages: `FHIRPath Patch operation 2 (replace Patient.birthDate)`. */
  label: string;
  /** Where the operation sits in the patch document, for OperationOutcome.issue.expression. */
  expression: string;
}

type PartName = 'type' | 'path' | 'name' | 'value' | 'index' | 'source' | 'destination';

/** Which parts each operation takes (besides type and path); the spec's table, enforced so typos are not ignored. */
const PARTS: Record<PatchType, PartName[]> = {
  add: ['name', 'value'],
  insert: ['value', 'index'],
  delete: [],
  replace: ['value'],
  move: ['source', 'destination'],
};
const TYPES = Object.keys(PARTS) as PatchType[];
const ALL_PARTS = new Set<string>(['type', 'path', 'name', 'value', 'index', 'source', 'destination']);

export function parseFhirPathPatch(parameters: unknown): PatchOperation[] {
  if (!isObject(parameters) || parameters.resourceType !== 'Parameters') {
    throw badRequest('FHIRPath Patch document must be a Parameters resource');
  }
  const params = parameters.parameter ?? [];
  if (!Array.isArray(params)) throw badRequest('Parameters.parameter must be an array', 'Parameters.parameter');
  return params.map((p, i) => parseOperation(p, i));
}

function parseOperation(param: unknown, i: number): PatchOperation {
  const expression = `Parameters.parameter[${i}]`;
  const fail = (what: string, label = `FHIRPath Patch operation ${i}`) => badRequest(`${label}: ${what}`, expression);
  if (!isObject(param) || param.name !== 'operation') throw fail(`parameter name must be 'operation'`);
  if (!Array.isArray(param.part)) throw fail('must have parts');
  const parts = new Map<string, Record<string, unknown>>();
  for (const part of param.part as unknown[]) {
    if (!isObject(part) || typeof part.name !== 'string') throw fail('every part needs a name');
    if (!ALL_PARTS.has(part.name)) throw fail(`unknown part '${part.name}'`);
    if (parts.has(part.name)) throw fail(`part '${part.name}' is repeated`);
    parts.set(part.name, part);
  }
  // Some clients send codes as valueString; the meaning is unambiguous, so accept both.
  const type = parts.get('type')?.valueCode ?? parts.get('type')?.valueString;
  if (typeof type !== 'string' || !TYPES.includes(type as PatchType)) {
    throw fail(`type must be one of ${TYPES.join(', ')}`);
  }
  const path = parts.get('path')?.valueString;
  if (typeof path !== 'string' || path.trim() === '')
    throw fail('path (valueString) is required', `FHIRPath Patch operation ${i} (${type})`);
  const label = `FHIRPath Patch operation ${i} (${type} ${path})`;
  const allowed = PARTS[type as PatchType];
  for (const name of parts.keys()) {
    if (name !== 'type' && name !== 'path' && !allowed.includes(name as PartName))
      throw fail(`part '${name}' does not apply to ${type}`, label);
  }
  for (const name of allowed) if (!parts.has(name)) throw fail(`part '${name}' is required`, label);
  try {
    fhirpath.parse(path);
  } catch (err) {
    throw fail(`path is not valid FHIRPath: ${(err as Error).message.split('\n')[0]}`, label);
  }
  const op: PatchOperation = { type: type as PatchType, path, label, expression };
  if (parts.has('name')) {
    const name = parts.get('name')!.valueString;
    if (typeof name !== 'string' || !/^[A-Za-z][A-Za-z0-9_]*$/.test(name)) throw fail('name must be an element name (valueString)', label);
    op.name = name;
  }
  if (parts.has('value')) {
    checkValuePart(parts.get('value')!, (what) => fail(what, label), 'value');
    op.value = parts.get('value') as unknown as ParametersParameter;
  }
  for (const key of ['index', 'source', 'destination'] as const) {
    if (!parts.has(key)) continue;
    const n = parts.get(key)!.valueInteger;
    if (typeof n !== 'number' || !Number.isInteger(n)) throw fail(`${key} must be an integer (valueInteger)`, label);
    op[key] = n;
  }
  return op;
}

/** A value is a `value[x]`, a `resource`, or parts that each are one again (a complex value built piecewise). */
function checkValuePart(part: Record<string, unknown>, fail: (what: string) => Error, where: string): void {
  const key = valueKey(part);
  const kinds = [key, part.resource === undefined ? undefined : 'resource', part.part === undefined ? undefined : 'part'];
  if (kinds.filter(Boolean).length !== 1) throw fail(`${where} must have exactly one of value[x], resource or part`);
  if (key && (part[key] === null || part[key] === undefined)) throw fail(`${where}.${key} is empty`);
  if (part.resource !== undefined && (!isObject(part.resource) || typeof part.resource.resourceType !== 'string')) {
    throw fail(`${where}.resource must be a resource`);
  }
  if (part.part === undefined) return;
  if (!Array.isArray(part.part) || part.part.length === 0) throw fail(`${where}.part must be a non-empty array`);
  for (const sub of part.part as unknown[]) {
    if (!isObject(sub) || typeof sub.name !== 'string' || !/^[A-Za-z][A-Za-z0-9_]*$/.test(sub.name)) {
      throw fail(`every part inside ${where} needs an element name`);
    }
    checkValuePart(sub, fail, `${where}.${sub.name}`);
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
