// Parses and types the plain subset of FHIRPath most search expressions use. https://hl7.org/fhirpath/N1/#path-selection
// Typing each step once from the StructureDefinitions gives the fast path its JSON keys and FHIR types before it sees a resource.
import type { Definitions } from '../definitions/r4-definitions.js';
import { buildElementTree, type ElementTree } from '../definitions/element-tree.js';

/** One navigation step; a step without `choices` always yields values of `type`. */
export interface Step {
  key: string;
  type: string;
  /** A choice element: [JSON key, FHIR type] per allowed type, e.g. ['valueQuantity', 'Quantity']. */
  choices?: [string, string][];
  /** `where(key = 'value')` on a primitive child of the items this step yields. */
  where?: { key: string; value: string };
}

type Op = { op: 'child'; name: string } | { op: 'type'; name: string } | { op: 'where'; key: string; value: string };

const ROOT = /^([A-Za-z]+)/y;
const TYPE_FN = /\.(?:ofType|as)\(([A-Za-z]+)\)/y;
const WHERE_EQ = /\.where\(\s*([a-z][A-Za-z0-9]*)\s*=\s*'([^'\\]*)'\s*\)/y;
const CHILD = /\.([a-z][A-Za-z0-9]*)(?![A-Za-z0-9(])/y;

/** Root type name and operations of a plain path, or undefined when the expression uses anything else. */
export function parsePlainPath(expression: string): { root: string; ops: Op[] } | undefined {
  const text = expression.trim();
  ROOT.lastIndex = 0;
  const root = ROOT.exec(text);
  if (!root) return undefined;
  const ops: Op[] = [];
  let at = root[0].length;
  while (at < text.length) {
    let m: RegExpExecArray | null;
    if ((m = sticky(TYPE_FN, text, at))) ops.push({ op: 'type', name: m[1] });
    else if ((m = sticky(WHERE_EQ, text, at))) ops.push({ op: 'where', key: m[1], value: m[2] });
    else if ((m = sticky(CHILD, text, at))) ops.push({ op: 'child', name: m[1] });
    else return undefined;
    at += m[0].length;
  }
  return ops.length > 0 && ops[0].op === 'child' ? { root: root[1], ops } : undefined;
}

function sticky(re: RegExp, text: string, at: number): RegExpExecArray | null {
  re.lastIndex = at;
  return re.exec(text);
}

const capitalize = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
const isPrimitive = (type: string) => /^[a-z]/.test(type);

/** Where the next child step looks its name up: an element path within a StructureDefinition's tree. */
interface Scope {
  tree: ElementTree;
  path: string;
}

export class StepResolver {
  private readonly trees = new Map<string, ElementTree | null>();

  constructor(private readonly defs: Definitions) {}

  /** Typed steps for `ops` starting at resource `type`; undefined when any step is not statically known. */
  resolve(type: string, ops: Op[]): Step[] | undefined {
    let scope = this.scopeOf(type);
    const steps: Step[] = [];
    for (const op of ops) {
      const last = steps[steps.length - 1];
      if (op.op === 'child') {
        if (!scope) return undefined;
        const child = scope.tree.children(scope.path).find((c) => c.name === op.name);
        if (!child) return undefined;
        if (child.isChoice) {
          steps.push({ key: op.name, type: 'choice', choices: child.types.map((t) => [op.name + capitalize(t), t]) });
          scope = undefined;
          continue;
        }
        // A contentReference (ConceptMap...target.product) has no type code, only the path whose children apply.
        if (child.childrenAt) {
          steps.push({ key: op.name, type: 'BackboneElement' });
          scope = { tree: scope.tree, path: child.childrenAt };
        } else if (child.types.length !== 1 || child.types[0] === 'Resource') {
          // An inline Resource's type is its own resourceType, which only fhirpath.js follows.
          return undefined;
        } else {
          steps.push({ key: op.name, type: child.types[0] });
          scope = this.scopeOf(child.types[0]);
        }
      } else if (op.op === 'type') {
        if (!last?.choices) return undefined;
        last.choices = last.choices.filter(([, t]) => this.isTypeOrSubtype(t, op.name));
        scope = last.choices.length === 1 ? this.scopeOf(last.choices[0][1]) : undefined;
      } else {
        if (!last || last.where || !scope) return undefined;
        const key = scope.tree.children(scope.path).find((c) => c.name === op.key);
        if (!key || key.isChoice || key.types.length !== 1 || !isPrimitive(key.types[0])) return undefined;
        last.where = { key: op.key, value: op.value };
      }
    }
    return steps.length > 0 ? steps : undefined;
  }

  /** Primitives have no children a search expression walks into. */
  private scopeOf(type: string): Scope | undefined {
    if (isPrimitive(type)) return undefined;
    const tree = this.treeOf(type);
    return tree ? { tree, path: type } : undefined;
  }

  private treeOf(name: string): ElementTree | null {
    let tree = this.trees.get(name);
    if (tree === undefined) {
      const sd = this.defs.structureDefinition(name);
      tree = sd ? buildElementTree(sd) : null;
      this.trees.set(name, tree);
    }
    return tree;
  }

  /** FHIRPath's ofType and as keep subtypes too: canonical is a uri, Age is a Quantity. */
  private isTypeOrSubtype(type: string, of: string): boolean {
    for (let t: string | undefined = type; t;) {
      if (t === of) return true;
      t = this.defs.structureDefinition(t)?.baseDefinition?.split('/').pop();
    }
    return false;
  }
}
