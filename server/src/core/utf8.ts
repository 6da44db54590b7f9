// Request bytes -> text, refusing what is not UTF-8 (RFC 3629) instead of storing U+FFFD in its place.
// https://hl7.org/fhir/R4/json.html (FHIR JSON is UTF-8)
import { badRequest } from './outcomes.js';

const strict = new TextDecoder('utf-8', { fatal: true });

/** The text of `bytes`; 400 naming the byte offset of the first sequence that is not UTF-8. A leading BOM is dropped. */
export function decodeUtf8(bytes: Uint8Array, what = 'The request body'): string {
  try {
    return strict.decode(bytes);
  } catch {
    const at = Math.max(firstInvalidUtf8(bytes), 0);
    const bad = Array.from(bytes.subarray(at, at + 4), (b) => b.toString(16).toUpperCase().padStart(2, '0')).join(' ');
    throw badRequest(`${what} is not valid UTF-8: the bytes at offset ${at} (${bad}) do not encode a character`);
  }
}

/**
 * Offset of the first byte that starts an ill-formed sequence (stray continuation, overlong form, UTF-16
 * surrogate, above U+10FFFF, truncated), or -1. Only run on the error path: the decoder above is the fast check.
 */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  const n = bytes.length;
  let i = 0;
  while (i < n) {
    const b = bytes[i];
    if (b < 0x80) {
      i++;
      continue;
    }
    const need = b >= 0xc2 && b <= 0xdf ? 1 : b >= 0xe0 && b <= 0xef ? 2 : b >= 0xf0 && b <= 0xf4 ? 3 : 0;
    if (need === 0 || i + need >= n) return i;
    // The second byte's range excludes overlong forms (E0, F0), surrogates (ED) and code points past U+10FFFF (F4).
    const lo = b === 0xe0 ? 0xa0 : b === 0xf0 ? 0x90 : 0x80;
    const hi = b === 0xed ? 0x9f : b === 0xf4 ? 0x8f : 0xbf;
    const second = bytes[i + 1];
    if (second < lo || second > hi) return i;
    for (let k = 2; k <= need; k++) {
      const c = bytes[i + k];
      if (c < 0x80 || c > 0xbf) return i;
    }
    i += need + 1;
  }
  return -1;
}
