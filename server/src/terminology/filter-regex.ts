// The `regex` filter of a value set compose, compiled only when it cannot backtrack without end: the pattern comes
// from clients (a ValueSet sent inline or stored), and JavaScript's engine backtracks (ReDoS).
// https://hl7.org/fhir/R4/valueset-filter-operator.html (regex)
import { isSafePattern } from 'redos-detector';

/** Longest pattern a filter may carry; the value sets HL7 publishes use a few characters (`[A-Z]{3}`). */
export const MAX_REGEX_LENGTH = 200;
/** How long the backtracking analysis may take; a pattern it cannot clear in time is refused. */
const CHECK_MS = 100;

/** The whole-code matcher for `pattern`, or the reason it is refused. */
export function filterRegex(pattern: string): RegExp | string {
  if (pattern.length > MAX_REGEX_LENGTH) return `is longer than ${MAX_REGEX_LENGTH} characters`;
  const source = `^(?:${pattern})$`;
  let re: RegExp;
  try {
    re = new RegExp(source);
  } catch {
    return 'is not a valid regular expression';
  }
  let safe: boolean;
  try {
    safe = isSafePattern(source, { timeout: CHECK_MS }).safe;
  } catch {
    safe = false;
  }
  return safe
    ? re
    : 'could backtrack without end on some codes (its repetitions overlap); write one whose repetitions cannot match the same text two ways';
}
