// CodeSystem/$subsumes and CodeSystem/[id]/$subsumes, GET and POST: whether code A subsumes code B in the is-a
// hierarchy of a code system this server holds (nesting, `parent`, `subsumedBy`).
// https://hl7.org/fhir/R4/codesystem-operation-subsumes.html
import type { Coding, Parameters } from 'fhir/r4.js';
import { badRequest, unknownDefinition } from '../../../core/outcomes.js';
import type { CodeSystemIndex } from '../../../terminology/code-system-index.js';
import type { FhirContext } from '../../fhir-context.js';
import type { FhirRequest, FhirResponse } from '../../fhir-request.js';
import { readOperationInput, type OperationInput, type OperationParams } from '../terminology/operation-input.js';
import { targetCodeSystem } from '../terminology/terminology-targets.js';

const PARAMS: OperationParams = {
  operation: '$subsumes',
  accepted: { codeA: 'code', codeB: 'code', system: 'uri', version: 'string', codingA: 'Coding', codingB: 'Coding' },
};

export async function subsumes(req: FhirRequest, id: string | undefined, ctx: FhirContext): Promise<FhirResponse> {
  const input = readOperationInput(req, PARAMS);
  const cs = await targetCodeSystem('$subsumes', input, id, ctx, { url: 'system', version: 'version', codings: ['codingA', 'codingB'] });
  const a = codeIn(cs, side(input, 'A'), 'A');
  const b = codeIn(cs, side(input, 'B'), 'B');
  const outcome =
    a === b ? 'equivalent' : cs.descendantsAndSelf(a).has(b) ? 'subsumes' : cs.ancestorsAndSelf(a).has(b) ? 'subsumed-by' : 'not-subsumed';
  const out: Parameters = { resourceType: 'Parameters', parameter: [{ name: 'outcome', valueCode: outcome }] };
  return { status: 200, resource: out };
}

function side(input: OperationInput, which: 'A' | 'B'): Coding {
  const code = input.string(`code${which}`);
  const coding = input.coding(`coding${which}`);
  if ((code === undefined) === (coding === undefined))
    throw badRequest(`$subsumes needs exactly one of code${which} and coding${which}`, `code${which}`);
  return coding ?? { code };
}

function codeIn(cs: CodeSystemIndex, c: Coding, which: string): string {
  if (c.system !== undefined && c.system !== cs.url)
    throw badRequest(`$subsumes: coding${which}.system ${c.system} is not ${cs.url}`, `coding${which}.system`);
  if (!c.code) throw badRequest(`$subsumes: coding${which} has no code`, `coding${which}.code`);
  if (!cs.concepts.has(c.code)) {
    throw unknownDefinition(
      `$subsumes: code${which} '${c.code}' is not in ${cs.complete ? '' : 'the part this server holds of '}code system ${cs.url}`,
      `code${which}`,
    );
  }
  return c.code;
}
