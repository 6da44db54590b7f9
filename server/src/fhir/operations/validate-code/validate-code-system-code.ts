// CodeSystem/$validate-code and CodeSystem/[id]/$validate-code, GET and POST: whether a code is in a code system
// this server holds, and whether its display is right. Of a code system held only in part, an absent code cannot be
// judged: 400, never a guess. https://hl7.org/fhir/R4/codesystem-operation-validate-code.html
import { notSupported } from '../../../core/outcomes.js';
import type { FhirContext } from '../../fhir-context.js';
import type { FhirRequest, FhirResponse } from '../../fhir-request.js';
import { readOperationInput, type OperationParams } from '../terminology/operation-input.js';
import { codingsOf, targetCodeSystem } from '../terminology/terminology-targets.js';
import { checkDisplay, verdictParameters, type CodeVerdict } from './code-verdict.js';

const PARAMS: OperationParams = {
  operation: '$validate-code',
  accepted: {
    url: 'uri',
    codeSystem: 'Resource',
    code: 'code',
    version: 'string',
    display: 'string',
    coding: 'Coding',
    codeableConcept: 'CodeableConcept',
  },
  refused: {
    date: 'validation is against the current definitions only',
    abstract: 'abstract concepts are not told apart',
    displayLanguage: "displays come in the definitions' one language",
  },
};

export async function validateCodeSystemCode(req: FhirRequest, id: string | undefined, ctx: FhirContext): Promise<FhirResponse> {
  const input = readOperationInput(req, PARAMS);
  const cs = await targetCodeSystem('$validate-code', input, id, ctx, {
    url: 'url',
    version: 'version',
    codings: ['coding', 'codeableConcept'],
  });
  const codings = codingsOf('$validate-code', input, 'url', cs.url);
  const verdicts = codings.map((c): CodeVerdict => {
    if (c.system !== cs.url) return { valid: false, message: `The coding's system ${c.system} is not code system ${cs.url}` };
    const concept = cs.concepts.get(c.code!);
    if (concept) return checkDisplay(c, concept.display);
    if (!cs.complete) {
      throw notSupported(
        `$validate-code: code system ${cs.url} is held only in part, so whether '${c.code}' is one of its codes cannot be checked`,
      );
    }
    return { valid: false, message: `The code '${c.code}' is not in code system ${cs.url}` };
  });
  return { status: 200, resource: verdictParameters(verdicts) };
}
