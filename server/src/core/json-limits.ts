// Bounds on the shape of a JSON body, checked on the text in one linear, non-recursive pass before JSON.parse,
// validation and indexing pay for it: nesting depth, items per array, elements per resource, and no lone UTF-16
// surrogate escapes (they cannot be stored as UTF-8). https://hl7.org/fhir/R4/json.html
import { needsExactText } from './exact-number-scan.js';
import { badRequest, tooCostly } from './outcomes.js';

export const JSON_LIMITS = {
  /** Objects and arrays open at once: refused before any recursive walk could overflow the stack. */
  maxDepth: 100,
  /** Items in one array. */
  maxArrayItems: 10_000,
  /** Items in a resource's own `entry` or `parameter` array (Bundle.entry, List.entry, Parameters.parameter). */
  maxEntries: 100_000,
  /**
   * Values (objects, arrays, strings, numbers, booleans, nulls) in one resource, not counting the resources it holds
   * nor the items of its `entry` or `parameter` list around them (entry.request, parameter.name). Validating and
   * indexing a resource is synchronous work of roughly 5-10 µs per element: 20,000 keep it within tens of ms.
   */
  maxElementsPerResource: 20_000,
  /** Values in the whole body. */
  maxElementsPerBody: 1_000_000,
};

export type JsonLimits = typeof JSON_LIMITS;

interface Level {
  isArray: boolean;
  /** Object: the last key seen; array: the number of items so far. */
  key: string;
  items: number;
  maxItems: number;
  /** This object is a resource: the whole body, or the value of a `resource` key (Bundle.entry, Parameters). */
  isResource: boolean;
  /** Its elements count apart from its parent's: a nested resource, or the `entry`/`parameter` list of a resource. */
  opensScope: boolean;
}

interface Scope {
  count: number;
  limit: number;
}

const LIST_KEYS = new Set(['entry', 'parameter']);

/**
 * Throws 400 (too deep, lone surrogate) or 413 (too many items or elements) naming the element and the limit.
 * Malformed JSON passes through untouched: JSON.parse reports it. Returns whether some number's text is not
 * what JSON.stringify would write for its value (`1.50`, `1e2`): then the caller keeps the texts (exact-numbers.ts).
 */
export function checkJsonLimits(text: string, limits: JsonLimits = JSON_LIMITS): boolean {
  const stack: Level[] = [];
  const scopes: Scope[] = [{ count: 0, limit: limits.maxElementsPerResource }];
  let total = 0;
  let exactNumbers = false;
  let expectKey = false;
  let backslash = text.indexOf('\\');
  const n = text.length;
  let i = 0;

  const value = () => {
    const top = stack[stack.length - 1];
    if (top?.isArray && ++top.items > top.maxItems) {
      throw tooCostly(`The array at ${pathOf(stack, true)} has more than ${top.maxItems} items, the most this server accepts in one array`, pathOf(stack, true));
    }
    const scope = scopes[scopes.length - 1]!;
    if (++scope.count > scope.limit) {
      throw tooCostly(`The resource holding ${pathOf(stack)} has more than ${scope.limit} elements, the most this server accepts in one resource`, pathOf(stack));
    }
    if (++total > limits.maxElementsPerBody) {
      throw tooCostly(`The body has more than ${limits.maxElementsPerBody} elements (at ${pathOf(stack)}), the most this server accepts in one request`, pathOf(stack));
    }
  };
  const open = (isArray: boolean) => {
    value();
    if (stack.length >= limits.maxDepth) {
      throw badRequest(`The body nests deeper than ${limits.maxDepth} levels of objects and arrays (at ${pathOf(stack)})`, pathOf(stack));
    }
    const parent = stack[stack.length - 1];
    const isResource = !isArray && (parent === undefined || (!parent.isArray && parent.key === 'resource'));
    const isList = isArray && parent?.isResource === true && LIST_KEYS.has(parent.key);
    const opensScope = parent !== undefined && (isResource || isList);
    // The resource's own object counts in its scope; a list's items are bounded by the body's total only.
    if (opensScope) scopes.push({ count: isResource ? 1 : 0, limit: isResource ? limits.maxElementsPerResource : Infinity });
    stack.push({ isArray, key: '', items: 0, maxItems: isList ? limits.maxEntries : limits.maxArrayItems, isResource, opensScope });
    expectKey = !isArray;
  };

  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      const top = stack[stack.length - 1];
      const isKey = expectKey && top !== undefined && !top.isArray;
      if (!isKey) value();
      let pos = i + 1;
      let end = -1;
      for (;;) {
        const quote = text.indexOf('"', pos);
        if (quote === -1) return exactNumbers;
        if (backslash !== -1 && backslash < pos) backslash = text.indexOf('\\', pos);
        if (backslash === -1 || backslash > quote) {
          end = quote;
          break;
        }
        pos = backslash + (text.charCodeAt(backslash + 1) === 0x75 /* u */ ? surrogateEscape(text, backslash, stack) : 2);
      }
      if (isKey) top!.key = text.slice(i + 1, end);
      i = end + 1;
    } else if (c === 0x7b /* { */) {
      open(false);
      i++;
    } else if (c === 0x5b /* [ */) {
      open(true);
      i++;
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      const closed = stack.pop();
      if (closed?.opensScope) scopes.pop();
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
      value();
      i++;
      while (i < n && !DELIMITERS.has(text.charCodeAt(i))) i++;
      if (!exactNumbers && (c === 0x2d /* - */ || (c >= 0x30 && c <= 0x39)) && needsExactText(text.slice(start, i))) exactNumbers = true;
    }
  }
  return exactNumbers;
}

const DELIMITERS = new Set([0x2c, 0x5d, 0x7d, 0x20, 0x0a, 0x0d, 0x09, 0x22, 0x7b, 0x5b, 0x3a]);

/**
 * The length of the escape at `at` with its pair: a `\uD800`-`\uDBFF` must be followed by a `\uDC00`-`\uDFFF`
 * (the two are skipped together), so a low surrogate met on its own is lone.
 */
function surrogateEscape(text: string, at: number, stack: Level[]): number {
  const unit = hex4(text, at + 2);
  if (unit === -1) return 2; // malformed: JSON.parse refuses it
  if (unit < 0xd800 || unit > 0xdfff) return 6;
  if (unit <= 0xdbff && text.charCodeAt(at + 6) === 0x5c && text.charCodeAt(at + 7) === 0x75) {
    const next = hex4(text, at + 8);
    if (next >= 0xdc00 && next <= 0xdfff) return 12;
  }
  const offset = Buffer.byteLength(text.slice(0, at));
  throw badRequest(
    `The string at ${pathOf(stack)} holds the escape ${text.slice(at, at + 6)} at byte offset ${offset}: a lone UTF-16 surrogate is not a character`,
    pathOf(stack),
  );
}

function hex4(text: string, at: number): number {
  const s = text.slice(at, at + 4);
  return /^[0-9a-fA-F]{4}$/.test(s) ? parseInt(s, 16) : -1;
}

/** `name[0].given` for the position in the stack; with `container`, the array itself rather than its last item. */
function pathOf(stack: Level[], container = false): string {
  let out = '';
  stack.forEach((level, depth) => {
    if (level.isArray) {
      if (!(container && depth === stack.length - 1)) out += `[${Math.max(level.items - 1, 0)}]`;
    } else if (level.key) {
      out += (out ? '.' : '') + level.key;
    }
  });
  return out || '(the body)';
}
