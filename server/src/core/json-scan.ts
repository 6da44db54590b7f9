// The one linear, non-recursive pass over JSON text that the body limits (json-limits.ts) and the exact decimal
// texts (exact-number-scan.ts) both ride on: it tracks where it is (keys, array indexes, nesting) and tells a
// visitor about each value, container and number token. Malformed JSON is walked as far as it goes, never
// reported: JSON.parse does that. https://www.rfc-editor.org/rfc/rfc8259
export type JsonPath = (string | number)[];

/** One open object or array. */
export interface JsonLevel {
  isArray: boolean;
  /** Object: the last key seen (unescaped). */
  key: string;
  /** Array: the number of items so far (the current item's index + 1). */
  items: number;
}

export interface JsonVisitor<L extends JsonLevel> {
  /** A value (of any kind) starts in the innermost container, whose `items` already counts it. */
  value?(stack: readonly L[]): void;
  /** An object or array opens: called after `value`, before it is pushed; returns the level to push. */
  open(stack: readonly L[], isArray: boolean): L;
  close?(level: L): void;
  /** A number token (or junk starting like one), with the stack around it. */
  number?(token: string, stack: readonly L[]): void;
  /** A `\u` escape at `at` inside a string: returns how many characters to skip (6, or 12 for a pair). */
  unicodeEscape?(text: string, at: number, stack: readonly L[]): number;
}

const DELIMITERS = new Set([0x2c, 0x5d, 0x7d, 0x20, 0x0a, 0x0d, 0x09, 0x22, 0x7b, 0x5b, 0x3a]);

export function scanJson<L extends JsonLevel>(text: string, visitor: JsonVisitor<L>): void {
  const stack: L[] = [];
  let expectKey = false;
  let backslash = text.indexOf('\\');
  const n = text.length;
  let i = 0;
  const valueStarts = () => {
    const top = stack[stack.length - 1];
    if (top?.isArray) top.items++;
    visitor.value?.(stack);
  };
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      const top = stack[stack.length - 1];
      const isKey = expectKey && top !== undefined && !top.isArray;
      if (!isKey) valueStarts();
      let pos = i + 1;
      let end: number;
      let escaped = false;
      for (;;) {
        const quote = text.indexOf('"', pos);
        if (quote === -1) return;
        if (backslash !== -1 && backslash < pos) backslash = text.indexOf('\\', pos);
        if (backslash === -1 || backslash > quote) {
          end = quote;
          break;
        }
        escaped = true;
        const isUnicode = text.charCodeAt(backslash + 1) === 0x75; /* u */
        pos = backslash + (isUnicode && visitor.unicodeEscape ? visitor.unicodeEscape(text, backslash, stack) : isUnicode ? 6 : 2);
      }
      if (isKey) top.key = escaped ? unescapeKey(text, i, end) : text.slice(i + 1, end);
      i = end + 1;
    } else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      valueStarts();
      const isArray = c === 0x5b;
      stack.push(visitor.open(stack, isArray));
      expectKey = !isArray;
      i++;
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      const closed = stack.pop();
      if (closed) visitor.close?.(closed);
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
      // A number, true, false or null (or junk JSON.parse will refuse): one value up to the next delimiter.
      const start = i;
      valueStarts();
      i++;
      while (i < n && !DELIMITERS.has(text.charCodeAt(i))) i++;
      if (visitor.number && (c === 0x2d /* - */ || (c >= 0x30 && c <= 0x39))) visitor.number(text.slice(start, i), stack);
    }
  }
}

/** The path to the current position: keys of objects, indexes of arrays. */
export function pathOf(stack: readonly JsonLevel[]): JsonPath {
  return stack.map((l) => (l.isArray ? l.items - 1 : l.key));
}

/** A key holding escapes, decoded as JSON.parse would; a malformed one stays raw (JSON.parse refuses the body). */
function unescapeKey(text: string, open: number, close: number): string {
  try {
    return JSON.parse(text.slice(open, close + 1)) as string;
  } catch {
    return text.slice(open + 1, close);
  }
}
