// The resources of a Bundle's JSON text, parsed one entry at a time: the R4 package's Bundle-resources.json is 35 MB,
// and parsed whole it became some 150 MB of objects, most of them (CapabilityStatements, OperationDefinitions,
// narrative) dropped at once. Here only one entry's objects exist beside the kept ones, and the text stays bytes.
import type { FhirResource } from 'fhir/r4.js';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;

/**
 * The `resource` of each element of the Bundle's top-level `entry` array, in order. The structure is found by
 * bytes (JSON's structural characters are ASCII, and UTF-8 never uses ASCII bytes inside a multi-byte character);
 * each entry's text goes through JSON.parse, so a malformed entry fails as JSON.parse fails.
 */
export function* bundleResources(json: Buffer): Generator<FhirResource> {
  let depth = 0;
  /** The last string seen directly in the root object: the key of the value that follows. */
  let rootKey = '';
  let inEntries = false;
  let entryStart = -1;
  for (let i = 0; i < json.length; i++) {
    const c = json[i];
    if (c === QUOTE) {
      // Most of the text is inside strings: jump to the closing quote (memchr) rather than walking each byte.
      let end = json.indexOf(QUOTE, i + 1);
      while (end !== -1 && isEscaped(json, end)) end = json.indexOf(QUOTE, end + 1);
      if (end === -1) break;
      if (depth === 1) rootKey = json.toString('latin1', i + 1, end);
      i = end;
    } else if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      if (depth === 1 && c === OPEN_ARRAY) inEntries = rootKey === 'entry';
      else if (depth === 2 && inEntries && c === OPEN_OBJECT) entryStart = i;
      depth++;
    } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
      depth--;
      if (depth === 2 && entryStart >= 0 && c === CLOSE_OBJECT) {
        const entry = JSON.parse(json.toString('utf8', entryStart, i + 1)) as { resource?: FhirResource };
        entryStart = -1;
        if (entry.resource) yield entry.resource;
      } else if (depth === 1 && c === CLOSE_ARRAY) inEntries = false;
    } else if (depth === 0 && c > 0x20) {
      depth = -1;
      break;
    }
  }
  if (depth !== 0) throw new SyntaxError('The Bundle JSON is not one object, or ends before its last object or string is closed');
}

/** A quote preceded by an odd number of backslashes is part of the string. */
function isEscaped(json: Buffer, quote: number): boolean {
  let k = quote - 1;
  while (k >= 0 && json[k] === BACKSLASH) k--;
  return (quote - 1 - k) % 2 === 1;
}
