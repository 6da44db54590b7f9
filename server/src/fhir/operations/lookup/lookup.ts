// CodeSystem/$lookup and CodeSystem/[id]/$lookup, GET and POST: a code's display and properties (its parents and
// children in the hierarchy, and the concept's own properties) in a code system this server holds.
// https://hl7.org/fhir/R4/codesystem-operation-lookup.html
import type { Parameters, ParametersParameter } from 'fhir/r4.js';
import { badRequest, unknownDefinition } from '../../../core/outcomes.js';
import type { FhirContext } from '../../fhir-context.js';
import type { FhirRequest, FhirResponse } from '../../fhir-request.js';
import { readOperationInput, type OperationParams } from '../terminology/operation-input.js';
import { codingsOf, targetCodeSystem } from '../terminology/terminology-targets.js';

const PARAMS: OperationParams = {
  operation: '$lookup',
  accepted: { code: 'code', system: 'uri', version: 'string', coding: 'Coding', property: 'code' },
  repeating: ['property'],
  refused: { date: 'lookups are in the current definitions only', displayLanguage: "displays come in the definitions' one language" },
};

export async function lookup(req: FhirRequest, id: string | undefined, ctx: FhirContext): Promise<FhirResponse> {
  const input = readOperationInput(req, PARAMS);
  const cs = await targetCodeSystem('$lookup', input, id, ctx, { url: 'system', version: 'version', codings: ['coding'] });
  const [coding] = codingsOf('$lookup', input, 'system', cs.url);
  if (coding.system !== cs.url)
    throw badRequest(`$lookup: coding.system ${coding.system} is not the code system looked in (${cs.url})`, 'coding');
  const concept = cs.concepts.get(coding.code!);
  if (!concept) {
    throw unknownDefinition(
      cs.complete
        ? `Code '${coding.code}' is not in code system ${cs.url}`
        : `Code '${coding.code}' is not in the part of code system ${cs.url} this server holds (it is not held in full)`,
      'code',
    );
  }
  const wanted = input.strings('property');
  const want = (name: string) => wanted.length === 0 || wanted.includes(name);
  const property = (code: string, value: Omit<ParametersParameter, 'name'>): ParametersParameter => ({
    name: 'property',
    part: [
      { name: 'code', valueCode: code },
      { name: 'value', ...value },
    ],
  });
  const parameter: ParametersParameter[] = [
    { name: 'name', valueString: cs.name ?? cs.url },
    ...(cs.version ? [{ name: 'version', valueString: cs.version }] : []),
    ...(concept.display !== undefined ? [{ name: 'display', valueString: concept.display }] : []),
    ...(want('parent') ? [...cs.parents(concept.code)].map((c) => property('parent', { valueCode: c })) : []),
    ...(want('child') ? [...cs.children(concept.code)].map((c) => property('child', { valueCode: c })) : []),
    ...concept.properties
      .filter((p) => want(p.code) && p.code !== 'parent' && p.code !== 'child')
      .map(({ code, ...value }) => property(code, value)),
  ];
  const out: Parameters = { resourceType: 'Parameters', parameter };
  return { status: 200, resource: out };
}
