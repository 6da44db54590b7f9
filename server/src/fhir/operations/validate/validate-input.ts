// The inputs of $validate from a Parameters body (resource, mode, profile), a bare resource body, or the query.
// https://hl7.org/fhir/R4/resource-operation-validate.html#inparms
import { badRequest, invalidParameter, unknownParameter } from '../../../core/outcomes.js';
import type { FhirRequest } from '../../fhir-request.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** https://hl7.org/fhir/R4/valueset-resource-validation-mode.html */
export const MODES = ['create', 'update', 'delete', 'profile'] as const;
export type ValidationMode = (typeof MODES)[number];

export interface ValidateInput {
  resource?: unknown;
  mode?: ValidationMode;
  profile?: string;
}

const IN_PARAMS = new Set(['resource', 'mode', 'profile']);

/** A Parameters body carries the inputs when it has a `resource` parameter or is sent to a type other than Parameters. */
function isParametersWrapper(body: unknown, type: string): body is { parameter?: Obj[] } {
  if (!isObj(body) || body.resourceType !== 'Parameters') return false;
  if (type !== 'Parameters') return true;
  return Array.isArray(body.parameter) && body.parameter.some((p) => isObj(p) && p.name === 'resource');
}

export function readValidateInput(req: FhirRequest, type: string): ValidateInput {
  const input: ValidateInput = {};
  const setMode = (raw: unknown, where: string) => {
    if (typeof raw !== 'string' || !(MODES as readonly string[]).includes(raw)) {
      throw invalidParameter(`mode must be one of ${MODES.join(', ')}; got ${JSON.stringify(raw)}`, where);
    }
    input.mode = raw as ValidationMode;
  };
  const setProfile = (raw: unknown, where: string) => {
    if (typeof raw !== 'string' || raw.length === 0) throw invalidParameter('profile must be a canonical URL', where);
    input.profile = raw;
  };
  for (const key of req.query.keys()) {
    if (key !== '_format' && key !== '_pretty' && !IN_PARAMS.has(key)) throw unknownParameter(`$validate has no parameter '${key}'`, key);
  }
  if (req.query.has('mode')) setMode(req.query.get('mode'), 'mode');
  if (req.query.has('profile')) setProfile(req.query.get('profile'), 'profile');
  const body = req.body;
  if (body === undefined || body === null || body === '') return input;
  if (!isParametersWrapper(body, type)) {
    input.resource = body;
    return input;
  }
  for (const [i, p] of (Array.isArray(body.parameter) ? body.parameter : []).entries()) {
    const where = `Parameters.parameter[${i}]`;
    if (!isObj(p) || typeof p.name !== 'string') throw badRequest(`${where} needs a name`, where);
    if (p.name === 'resource') input.resource = p.resource;
    else if (p.name === 'mode') setMode(p.valueCode, `${where}.valueCode`);
    else if (p.name === 'profile') setProfile(p.valueUri ?? p.valueCanonical, `${where}.valueUri`);
    else throw unknownParameter(`$validate has no parameter '${p.name}'`, `${where}.name`);
  }
  return input;
}
