// JSON body -> value: UTF-8 only (core/utf8.ts), bounded in depth, array lengths and elements (core/json-limits.ts)
// before it is parsed, and refusing numbers JavaScript cannot hold (1e400 would become Infinity, then null);
// decimals keep the text they were sent with (core/exact-numbers.ts).
// https://hl7.org/fhir/R4/json.html
import { attachExactNumbers } from './exact-numbers.js';
import { checkJsonLimits } from './json-limits.js';
import { badRequest } from './outcomes.js';
import { decodeUtf8 } from './utf8.js';

/** Only texts that could overflow pay for the reviver. */
const MAYBE_HUGE = /[eE]\+?\d{3,}|\d{309,}/;

/** Bytes are decoded as strict UTF-8 first; a string is taken as already decoded. */
export function parseFhirJson(input: string | Uint8Array): unknown {
  const text = typeof input === 'string' ? input : decodeUtf8(input);
  const exactNumbers = checkJsonLimits(text);
  let value: unknown;
  try {
    value = MAYBE_HUGE.test(text) ? JSON.parse(text, rejectNonFinite) : JSON.parse(text);
  } catch (err) {
    if (err instanceof RangeError) throw badRequest(err.message);
    throw badRequest(`The request body is not valid JSON: ${(err as Error).message}`);
  }
  if (exactNumbers.length > 0) attachExactNumbers(value, exactNumbers);
  return value;
}

function rejectNonFinite(this: unknown, key: string, v: unknown): unknown {
  if (typeof v === 'number' && !Number.isFinite(v)) {
    throw new RangeError(`The number at '${key}' is too large to represent; FHIR decimals must be finite`);
  }
  return v;
}
