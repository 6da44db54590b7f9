// Finds, in JSON text, the number tokens JSON.stringify would not write back as sent (`1.50`, `1e2`, `-0`, 17
// digits), with the path to each: one linear, non-recursive pass, run only on texts that may hold one.
// https://hl7.org/fhir/R4/json.html#primitive

export type JsonPath = (string | number)[];

export interface FoundNumber {
  path: JsonPath;
  text: string;
}

interface Level {
  isArray: boolean;
  /** Object: the last key; array: the index of the current item. */
  key: string | number;
}

/** Whether a number token's value, written back by JSON.stringify, would read differently. */
export function needsExactText(token: string): boolean {
  return String(Number(token)) !== token;
}

/** Malformed JSON is not reported here: the caller has already parsed the text. */
export function findExactNumbers(text: string): FoundNumber[] {
  const found: FoundNumber[] = [];
  const stack: Level[] = [];
  let expectKey = false;
  const n = text.length;
  let i = 0;
  const itemStarts = () => {
    const top = stack[stack.length - 1];
    if (top?.isArray) top.key = (top.key as number) + 1;
  };
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      const end = stringEnd(text, i);
      if (end === -1) return found;
      const top = stack[stack.length - 1];
      if (expectKey && top && !top.isArray) {
        const raw = text.slice(i + 1, end);
        top.key = raw.includes('\\') ? (JSON.parse(text.slice(i, end + 1)) as string) : raw;
      } else {
        itemStarts();
      }
      i = end + 1;
    } else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      itemStarts();
      stack.push(c === 0x5b ? { isArray: true, key: -1 } : { isArray: false, key: '' });
      expectKey = c === 0x7b;
      i++;
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      stack.pop();
      expectKey = false;
      i++;
    } else if (c === 0x3a /* : */) {
      expectKey = false;
      i++;
    } else if (c === 0x2c /* , */) {
      const top = stack[stack.length - 1];
      expectKey = top !== undefined && !top.isArray;
      i++;
    } else if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) {
      i++;
    } else {
      const start = i;
      itemStarts();
      i++;
      while (i < n && !DELIMITERS.has(text.charCodeAt(i))) i++;
      if (c === 0x2d /* - */ || (c >= 0x30 && c <= 0x39)) {
        const token = text.slice(start, i);
        if (needsExactText(token)) found.push({ path: stack.map((l) => l.key), text: token });
      }
    }
  }
  return found;
}

const DELIMITERS = new Set([0x2c, 0x5d, 0x7d, 0x20, 0x0a, 0x0d, 0x09, 0x22, 0x7b, 0x5b, 0x3a]);

/** The index of the quote closing the string opened at `open`, or -1. */
function stringEnd(text: string, open: number): number {
  let q = open;
  for (;;) {
    q = text.indexOf('"', q + 1);
    if (q === -1) return -1;
    let backslashes = 0;
    while (text.charCodeAt(q - 1 - backslashes) === 0x5c) backslashes++;
    if (backslashes % 2 === 0) return q;
  }
}
