// ValueSet/$validate-code and ValueSet/[id]/$validate-code, GET and POST: whether a code (system and code, a Coding or
// a CodeableConcept) is in a value set, and whether its display is right. A value set that includes all of a code
// system this server does not hold (LOINC, SNOMED CT) cannot say: 400, never a guess.
// https://hl7.org/fhir/R4/valueset-operation-validate-code.html
import type { Coding } from 'fhir/r4.js';
import { notSupported } from '../../../core/outcomes.js';
import { hasCode, type CodeSet } from '../../../fhir-values/code-set.js';
import { expandValueSet, type TerminologySource } from '../../../terminology/expand-value-set.js';
import { displaysOf } from '../../../terminology/expansion.js';
import type { FhirContext } from '../../fhir-context.js';
import type { FhirRequest, FhirResponse } from '../../fhir-request.js';
import { readOperationInput, type OperationParams } from '../terminology/operation-input.js';
import { answering } from '../terminology/terminology-errors.js';
import { codingsOf, targetValueSet } from '../terminology/terminology-targets.js';
import { checkDisplay, verdictParameters, type CodeVerdict } from './code-verdict.js';

const PARAMS: OperationParams = {
  operation: '$validate-code',
  accepted: {
    url: 'uri',
    valueSet: 'Resource',
    valueSetVersion: 'string',
    code: 'code',
    system: 'uri',
    systemVersion: 'string',
    display: 'string',
    coding: 'Coding',
    codeableConcept: 'CodeableConcept',
  },
  refused: {
    context: 'value sets are not chosen by context here',
    date: 'validation is against the current definitions only',
    abstract: 'abstract concepts are not told apart',
    displayLanguage: "displays come in the definitions' one language",
  },
};

export async function validateValueSetCode(req: FhirRequest, id: string | undefined, ctx: FhirContext): Promise<FhirResponse> {
  const input = readOperationInput(req, PARAMS);
  const vs = await targetValueSet('$validate-code', input, id, ctx);
  const codings = codingsOf('$validate-code', input, 'system');
  const source = await ctx.terminology.sourceFor(vs);
  const set = await answering('$validate-code', () => expandValueSet(vs, source));
  const displayOf = displaysOf(vs, source);
  const name = vs.url ?? `ValueSet/${vs.id}`;
  const verdicts = codings.map((c) => verdict(c, set, source, displayOf, name));
  return { status: 200, resource: verdictParameters(verdicts) };
}

function verdict(
  c: Coding,
  set: CodeSet,
  source: TerminologySource,
  displayOf: (s: string, c: string) => string | undefined,
  name: string,
): CodeVerdict {
  const system = c.system!;
  const code = c.code!;
  const inSet = set.get(system);
  if (inSet?.all && !inSet.excluded.has(code)) {
    // The value set takes every code of a system we do not hold: whether `code` is one of them is unknown here.
    const cs = source.codeSystem(system);
    if (!cs?.concepts.has(code)) {
      throw notSupported(
        `$validate-code: value set ${name} includes all of code system ${system}, which this server does not hold, so whether '${code}' is one of its codes cannot be checked`,
      );
    }
  }
  if (!hasCode(set, system, code)) return { valid: false, message: `The code ${system}|${code} is not in value set ${name}` };
  return checkDisplay(c, displayOf(system, code));
}
