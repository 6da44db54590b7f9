// Bounds on the shape of a JSON body, checked on the text in one linear pass (json-scan.ts) before JSON.parse,
// validation and indexing pay for it: nesting depth, items per array, elements per resource, and no lone UTF-16
// surrogate escapes (they cannot be stored as UTF-8). https://hl7.org/fhir/R4/json.html
import { needsExactText, type FoundNumber } from './exact-number-scan.js';
import { pathOf, scanJson, type JsonLevel } from './json-scan.js';
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

interface Level extends JsonLevel {
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
 * Malformed JSON passes through untouched: JSON.parse reports it. Returns the numbers whose text is not what
 * JSON.stringify would write for their value (`1.50`, `1e2`), with their paths, for exact-numbers.ts to keep.
 */
export function checkJsonLimits(text: string, limits: JsonLimits = JSON_LIMITS): FoundNumber[] {
  const scopes: Scope[] = [{ count: 0, limit: limits.maxElementsPerResource }];
  const exactNumbers: FoundNumber[] = [];
  let total = 0;
  scanJson<Level>(text, {
    value(stack) {
      const top = stack[stack.length - 1];
      if (top?.isArray && top.items > top.maxItems) {
        throw tooCostly(
          `The array at ${pathText(stack, true)} has more than ${top.maxItems} items, the most this server accepts in one array`,
          pathText(stack, true),
        );
      }
      const scope = scopes[scopes.length - 1];
      if (++scope.count > scope.limit) {
        throw tooCostly(
          `The resource holding ${pathText(stack)} has more than ${scope.limit} elements, the most this server accepts in one resource`,
          pathText(stack),
        );
      }
      if (++total > limits.maxElementsPerBody) {
        throw tooCostly(
          `The body has more than ${limits.maxElementsPerBody} elements (at ${pathText(stack)}), the most this server accepts in one request`,
          pathText(stack),
        );
      }
    },
    open(stack, isArray) {
      if (stack.length >= limits.maxDepth) {
        throw badRequest(
          `The body nests deeper than ${limits.maxDepth} levels of objects and arrays (at ${pathText(stack)})`,
          pathText(stack),
        );
      }
      const parent = stack[stack.length - 1];
      const isResource = !isArray && (parent === undefined || (!parent.isArray && parent.key === 'resource'));
      const isList = isArray && parent?.isResource === true && LIST_KEYS.has(parent.key);
      const opensScope = parent !== undefined && (isResource || isList);
      // The resource's own object counts in its scope; a list's items are bounded by the body's total only.
      if (opensScope) scopes.push({ count: isResource ? 1 : 0, limit: isResource ? limits.maxElementsPerResource : Infinity });
      return { isArray, key: '', items: 0, maxItems: isList ? limits.maxEntries : limits.maxArrayItems, isResource, opensScope };
    },
    close(level) {
      if (level.opensScope) scopes.pop();
    },
    number(token, stack) {
      if (needsExactText(token)) exactNumbers.push({ path: pathOf(stack), text: token });
    },
    unicodeEscape: surrogateEscape,
  });
  return exactNumbers;
}

/**
 * The length of the escape at `at` with its pair: a `\uD800`-`\uDBFF` must be followed by a `\uDC00`-`\uDFFF`
 * (the two are skipped together), so a low surrogate met on its own is lone.
 */
function surrogateEscape(text: string, at: number, stack: readonly Level[]): number {
  const unit = hex4(text, at + 2);
  if (unit === -1) return 2; // malformed: JSON.parse refuses it
  if (unit < 0xd800 || unit > 0xdfff) return 6;
  if (unit <= 0xdbff && text.charCodeAt(at + 6) === 0x5c && text.charCodeAt(at + 7) === 0x75) {
    const next = hex4(text, at + 8);
    if (next >= 0xdc00 && next <= 0xdfff) return 12;
  }
  const offset = Buffer.byteLength(text.slice(0, at));
  throw badRequest(
    `The string at ${pathText(stack)} holds the escape ${text.slice(at, at + 6)} at byte offset ${offset}: a lone UTF-16 surrogate is not a character`,
    pathText(stack),
  );
}

function hex4(text: string, at: number): number {
  const s = text.slice(at, at + 4);
  return /^[0-9a-fA-F]{4}$/.test(s) ? parseInt(s, 16) : -1;
}

/** `name[0].given` for the position in the stack; with `container`, the array itself rather than its last item. */
function pathText(stack: readonly Level[], container = false): string {
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
