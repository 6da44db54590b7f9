// JSON text -> value, refusing numbers JavaScript cannot hold (1e400 would become Infinity, then null).
// https://hl7.org/fhir/R4/json.html#primitive (decimal)
import { badRequest } from './outcomes.js';

/** Only texts that could overflow pay for the reviver. */
const MAYBE_HUGE = /[eE]\+?\d{3,}|\d{309,}/;

export function parseFhirJson(text: string): unknown {
  let value: unknown;
  try {
    value = MAYBE_HUGE.test(text) ? JSON.parse(text, rejectNonFinite) : JSON.parse(text);
  } catch (err) {
    if (err instanceof RangeError) throw badRequest(err.message);
    throw badRequest(`The request body is not valid JSON: ${(err as Error).message}`);
  }
  return value;
}

function rejectNonFinite(this: unknown, key: string, v: unknown): unknown {
  if (typeof v === 'number' && !Number.isFinite(v)) {
    throw new RangeError(`The number at '${key}' is too large to represent; FHIR decimals must be finite`);
  }
  return v;
}
