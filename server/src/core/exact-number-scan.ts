// Finds, in JSON text, the number tokens JSON.stringify would not write back as sent (`1.50`, `1e2`, `-0`, 17
// digits), with the path to each, on the one JSON pass (json-scan.ts); run only on texts that may hold one.
// https://hl7.org/fhir/R4/json.html#primitive
import { pathOf, scanJson, type JsonLevel, type JsonPath } from './json-scan.js';

export type { JsonPath } from './json-scan.js';

export interface FoundNumber {
  path: JsonPath;
  text: string;
}

/** Whether a number token's value, written back by JSON.stringify, would read differently. */
export function needsExactText(token: string): boolean {
  return String(Number(token)) !== token;
}

/** Malformed JSON is not reported here: the caller has already parsed the text. */
export function findExactNumbers(text: string): FoundNumber[] {
  const found: FoundNumber[] = [];
  scanJson<JsonLevel>(text, {
    open: (_stack, isArray) => ({ isArray, key: '', items: 0 }),
    number(token, stack) {
      if (needsExactText(token)) found.push({ path: pathOf(stack), text: token });
    },
  });
  return found;
}
