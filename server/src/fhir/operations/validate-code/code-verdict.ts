// The out-parameters of $validate-code (result, message, display) from each coding's verdict: a CodeableConcept is
// valid when one of its codings is. https://hl7.org/fhir/R4/valueset-operation-validate-code.html#outparms
import type { Coding, Parameters } from 'fhir/r4.js';

export interface CodeVerdict {
  valid: boolean;
  /** Why it is not valid, or what was noticed. */
  message?: string;
  /** The display the definitions give the code. */
  display?: string;
}

/** A valid code whose `display`, when the client gave one, must be the known display. */
export function checkDisplay(c: Coding, known: string | undefined): CodeVerdict {
  if (c.display !== undefined && known !== undefined && c.display.trim().toLowerCase() !== known.toLowerCase()) {
    return {
      valid: false,
      display: known,
      message: `The display '${c.display}' is not the display of ${c.system}|${c.code}, which is '${known}'`,
    };
  }
  return { valid: true, display: known };
}

export function verdictParameters(verdicts: CodeVerdict[]): Parameters {
  const chosen = verdicts.find((v) => v.valid) ?? verdicts[0];
  const messages = chosen.valid ? [] : verdicts.map((v) => v.message).filter((m): m is string => m !== undefined);
  return {
    resourceType: 'Parameters',
    parameter: [
      { name: 'result', valueBoolean: chosen.valid },
      ...(messages.length > 0 ? [{ name: 'message', valueString: messages.join('; ') }] : []),
      ...(chosen.display !== undefined ? [{ name: 'display', valueString: chosen.display }] : []),
    ],
  };
}
