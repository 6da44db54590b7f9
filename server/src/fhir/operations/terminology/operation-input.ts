// The in-parameters of an operation (the terminology operations, $stats), from the query (GET, POST) and a Parameters body (POST), each checked
// against the operation's declared parameters and their types. https://hl7.org/fhir/R4/operations.html#request
import type { Coding, CodeableConcept, ParametersParameter } from 'fhir/r4.js';
import { badRequest, invalidParameter, notSupported, overLimit, unknownParameter } from '../../../core/outcomes.js';
import type { FhirRequest } from '../../fhir-request.js';

export type ParamKind =
  'uri' | 'string' | 'code' | 'integer' | 'decimal' | 'boolean' | 'Coding' | 'CodeableConcept' | 'Period' | 'Resource';

export interface OperationParams {
  /** The operation's name, for messages (`$expand`). */
  operation: string;
  accepted: Record<string, ParamKind>;
  /** Names that may repeat. */
  repeating?: string[];
  /** Parameters the specification defines that this server does not support, and why. */
  refused?: Record<string, string>;
}

/** Longest text one parameter may carry, and most parameters one request may send. */
export const MAX_TEXT = 1024;
export const MAX_PARAMETERS = 50;

const VALUE_FIELD: Record<ParamKind, string[]> = {
  uri: ['valueUri', 'valueCanonical', 'valueUrl'],
  string: ['valueString'],
  code: ['valueCode'],
  integer: ['valueInteger', 'valuePositiveInt'],
  decimal: ['valueDecimal'],
  Period: ['valuePeriod'],
  boolean: ['valueBoolean'],
  Coding: ['valueCoding'],
  CodeableConcept: ['valueCodeableConcept'],
  Resource: ['resource'],
};
/** Kinds a query string can carry; a Period as `start/end` (ISO 8601 interval notation; either side may be empty). */
const PRIMITIVE: ParamKind[] = ['uri', 'string', 'code', 'integer', 'decimal', 'boolean', 'Period'];
const DECIMAL = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/;
const IGNORED_QUERY = new Set(['_format', '_pretty']);

export class OperationInput {
  constructor(
    private readonly values: Map<string, unknown[]>,
    private readonly params: OperationParams,
  ) {}

  has(name: string): boolean {
    return this.values.has(name);
  }

  string(name: string): string | undefined {
    return this.one(name) as string | undefined;
  }

  integer(name: string): number | undefined {
    return this.one(name) as number | undefined;
  }

  decimal(name: string): number | undefined {
    return this.one(name) as number | undefined;
  }

  period(name: string): { start?: string; end?: string } | undefined {
    return this.one(name) as { start?: string; end?: string } | undefined;
  }

  boolean(name: string): boolean | undefined {
    return this.one(name) as boolean | undefined;
  }

  coding(name: string): Coding | undefined {
    return this.one(name) as Coding | undefined;
  }

  codeableConcept(name: string): CodeableConcept | undefined {
    return this.one(name) as CodeableConcept | undefined;
  }

  resource(name: string): Record<string, unknown> | undefined {
    return this.one(name) as Record<string, unknown> | undefined;
  }

  strings(name: string): string[] {
    return (this.values.get(name) ?? []) as string[];
  }

  codings(name: string): Coding[] {
    return (this.values.get(name) ?? []) as Coding[];
  }

  private one(name: string): unknown {
    const all = this.values.get(name);
    if (all && all.length > 1)
      throw invalidParameter(`${this.params.operation}: parameter '${name}' may be given once; it was given ${all.length} times`, name);
    return all?.[0];
  }
}

export function readOperationInput(req: FhirRequest, params: OperationParams): OperationInput {
  const values = new Map<string, unknown[]>();
  const add = (name: string, value: unknown, where: string) => {
    const list = values.get(name) ?? [];
    if (list.length > 0 && !params.repeating?.includes(name)) {
      throw invalidParameter(`${params.operation}: parameter '${name}' may be given once`, where);
    }
    values.set(name, [...list, value]);
    if ([...values.values()].reduce((n, l) => n + l.length, 0) > MAX_PARAMETERS) {
      throw overLimit(`${params.operation} takes at most ${MAX_PARAMETERS} parameters`, where);
    }
  };
  for (const [name, raw] of req.query) {
    if (IGNORED_QUERY.has(name)) continue;
    const kind = kindOf(params, name, name);
    if (!PRIMITIVE.includes(kind))
      throw badRequest(`${params.operation}: parameter '${name}' is a ${kind}: send it in a Parameters body with POST`, name);
    add(name, fromText(params.operation, name, kind, raw), name);
  }
  const body = req.body;
  if (body !== undefined && body !== null && body !== '') {
    if (typeof body !== 'object' || (body as { resourceType?: unknown }).resourceType !== 'Parameters') {
      throw badRequest(`${params.operation} takes a Parameters resource as its body`, 'resourceType');
    }
    const list = (body as { parameter?: unknown }).parameter ?? [];
    if (!Array.isArray(list)) throw badRequest('Parameters.parameter must be an array', 'Parameters.parameter');
    for (const [i, p] of (list as ParametersParameter[]).entries()) {
      const where = `Parameters.parameter[${i}]`;
      if (typeof p !== 'object' || p === null || typeof p.name !== 'string') throw badRequest(`${where} needs a name`, `${where}.name`);
      const kind = kindOf(params, p.name, `${where}.name`);
      add(p.name, fromParameter(params.operation, p, kind, where), where);
    }
  }
  return new OperationInput(values, params);
}

function kindOf(params: OperationParams, name: string, where: string): ParamKind {
  const kind = params.accepted[name];
  if (kind) return kind;
  const why = params.refused?.[name];
  if (why !== undefined) throw notSupported(`${params.operation}: parameter '${name}' is not supported by this server: ${why}`);
  throw unknownParameter(`${params.operation} has no parameter '${name}'; it takes ${Object.keys(params.accepted).join(', ')}`, where);
}

function fromText(operation: string, name: string, kind: ParamKind, raw: string): unknown {
  if (kind === 'integer') {
    if (!/^\d{1,9}$/.test(raw))
      throw invalidParameter(`${operation}: ${name} must be a whole number from 0; got '${raw.slice(0, 40)}'`, name);
    return Number(raw);
  }
  if (kind === 'decimal') {
    if (!DECIMAL.test(raw) || raw.length > 40)
      throw invalidParameter(`${operation}: ${name} must be a decimal number; got '${raw.slice(0, 40)}'`, name);
    return Number(raw);
  }
  if (kind === 'Period') {
    const parts = text(operation, name, raw, name).split('/');
    if (parts.length !== 2 || (parts[0] === '' && parts[1] === '')) {
      throw invalidParameter(`${operation}: ${name} in a query is start/end (either may be empty); got '${raw.slice(0, 40)}'`, name);
    }
    return { ...(parts[0] ? { start: parts[0] } : {}), ...(parts[1] ? { end: parts[1] } : {}) };
  }
  if (kind === 'boolean') {
    if (raw !== 'true' && raw !== 'false')
      throw invalidParameter(`${operation}: ${name} must be true or false; got '${raw.slice(0, 40)}'`, name);
    return raw === 'true';
  }
  return text(operation, name, raw, name);
}

function text(operation: string, name: string, raw: string, where: string): string {
  if (raw.length === 0) throw invalidParameter(`${operation}: ${name} is empty`, where);
  if (raw.length > MAX_TEXT) throw overLimit(`${operation}: ${name} is longer than ${MAX_TEXT} characters`, where);
  return raw;
}

function fromParameter(operation: string, p: ParametersParameter, kind: ParamKind, where: string): unknown {
  const fields = VALUE_FIELD[kind];
  const record = p as unknown as Record<string, unknown>;
  const field = fields.find((f) => record[f] !== undefined);
  const others = Object.keys(record).filter((k) => k !== 'name' && !fields.includes(k));
  if (!field || others.length > 0) {
    throw badRequest(
      `${operation}: parameter '${p.name}' takes ${fields[0]}${others.length > 0 ? `, not ${others.join(', ')}` : ''}`,
      where,
    );
  }
  const value = record[field];
  const at = `${where}.${field}`;
  switch (kind) {
    case 'integer':
      if (!Number.isInteger(value) || (value as number) < 0)
        throw invalidParameter(`${operation}: ${p.name} must be a whole number from 0`, at);
      return value;
    case 'decimal':
      if (typeof value !== 'number' || !Number.isFinite(value))
        throw invalidParameter(`${operation}: ${p.name} must be a decimal number`, at);
      return value;
    case 'Period': {
      const period = value as Record<string, unknown> | null;
      if (typeof period !== 'object' || period === null || Object.keys(period).some((k) => k !== 'start' && k !== 'end')) {
        throw invalidParameter(`${operation}: ${p.name} must be a Period (start, end)`, at);
      }
      for (const key of ['start', 'end'] as const) {
        if (period[key] !== undefined && typeof period[key] !== 'string')
          throw invalidParameter(`${operation}: ${p.name}.${key} must be a dateTime`, `${at}.${key}`);
      }
      return period;
    }
    case 'boolean':
      if (typeof value !== 'boolean') throw invalidParameter(`${operation}: ${p.name} must be true or false`, at);
      return value;
    case 'uri':
    case 'string':
    case 'code':
      if (typeof value !== 'string') throw invalidParameter(`${operation}: ${p.name} must be a string`, at);
      return text(operation, p.name, value, at);
    case 'Coding':
      return checkedCoding(operation, value, at);
    case 'CodeableConcept': {
      const codings = (value as CodeableConcept | null)?.coding;
      if (typeof value !== 'object' || value === null || !Array.isArray(codings) || codings.length === 0) {
        throw invalidParameter(`${operation}: ${p.name} needs at least one coding`, at);
      }
      if (codings.length > MAX_PARAMETERS) throw overLimit(`${operation}: ${p.name} has more than ${MAX_PARAMETERS} codings`, at);
      codings.forEach((c, i) => checkedCoding(operation, c, `${at}.coding[${i}]`));
      return value;
    }
    case 'Resource':
      if (typeof value !== 'object' || value === null || Array.isArray(value))
        throw invalidParameter(`${operation}: ${p.name} must be a resource`, at);
      return value;
  }
}

function checkedCoding(operation: string, value: unknown, at: string): Coding {
  const c = value as Record<string, unknown> | null;
  if (typeof c !== 'object' || c === null) throw invalidParameter(`${operation}: ${at} must be a Coding`, at);
  for (const key of ['system', 'version', 'code', 'display'] as const) {
    if (c[key] !== undefined && (typeof c[key] !== 'string' || c[key].length > MAX_TEXT)) {
      throw invalidParameter(`${operation}: ${at}.${key} must be a string of at most ${MAX_TEXT} characters`, `${at}.${key}`);
    }
  }
  return c;
}
