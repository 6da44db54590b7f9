// Cardinalities of the base R4 StructureDefinitions, checked wherever their parent occurs: down through backbone
// elements, complex datatypes, primitives' extensions and nested resources. https://hl7.org/fhir/R4/conformance-rules.html#cardinality
import type { OperationOutcomeIssue } from 'fhir/r4.js';
import { issue } from '../core/outcomes.js';
import type { Definitions } from '../definitions/r4-definitions.js';
import { ANY_RESOURCE, createRequiredTrees, type NodeSpec, type RequiredChild } from './required-tree.js';

type Obj = Record<string, unknown>;

/** `type` defaults to the resource's resourceType; `at` prefixes expressions (for a resource nested in another). */
export type CardinalityValidator = (resource: Obj, type?: string, at?: string) => OperationOutcomeIssue[];

/** No choice key is empty, so '' marks a choice whose excess was already reported. */
const REPORTED = '';

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Maximum cardinality is checked only for choice elements (`valueString` next to `valueQuantity`): base R4 has no
 * max other than 1 and *, and the JSON schema already refuses an array where max is 1 and a single value where it is *.
 */
export function createCardinalityValidator(defs: Definitions): CardinalityValidator {
  const treeOf = createRequiredTrees(defs);

  const walk = (node: Obj, spec: NodeSpec, at: string, out: OperationOutcomeIssue[]): void => {
    for (const req of spec.required) {
      const found = count(node, req);
      if (found < req.min) {
        out.push(issue({
          code: 'required',
          diagnostics: `${at}.${req.label}: minimum required = ${req.min}, but only found ${found}${req.label.endsWith('[x]') ? ` (as one of ${choiceKeys(req)})` : ''}`,
          expression: `${at}.${req.name}`,
        }));
      }
    }
    let choices: Map<string, string> | undefined;
    for (const key in node) {
      const edge = spec.edges.get(key);
      if (!edge) continue;
      if (edge.choice) {
        choices ??= new Map();
        const other = choices.get(edge.choice);
        if (other === undefined) {
          choices.set(edge.choice, edge.choiceKey!);
        } else if (other !== edge.choiceKey && other !== REPORTED) {
          choices.set(edge.choice, REPORTED);
          out.push(issue({
            code: 'structure',
            diagnostics: `${at}.${edge.choice}: maximum allowed = 1, but found 2 (${other} and ${edge.choiceKey})`,
            expression: `${at}.${edge.choice.slice(0, -3)}`,
          }));
        }
      }
      if (!edge.target) continue;
      const value = node[key];
      // FHIRPath has no `_name`: a primitive's extensions are addressed through the primitive itself.
      const here = `${at}.${key.charCodeAt(0) === 95 ? key.slice(1) : key}`;
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) visit(value[i], edge.target, `${here}[${i}]`, out);
      } else {
        visit(value, edge.target, here, out);
      }
    }
  };

  const visit = (value: unknown, target: NodeSpec | typeof ANY_RESOURCE, at: string, out: OperationOutcomeIssue[]): void => {
    if (!isObj(value)) return;
    if (target !== ANY_RESOURCE) return walk(value, target, at, out);
    // A nested resource of an unknown type is the schema's to report.
    const spec = typeof value.resourceType === 'string' && defs.isResourceType(value.resourceType) ? treeOf(value.resourceType) : undefined;
    if (spec) walk(value, spec, at, out);
  };

  return (resource, type = String(resource.resourceType), at = type) => {
    const spec = defs.isResourceType(type) ? treeOf(type) : undefined;
    const out: OperationOutcomeIssue[] = [];
    if (spec) walk(resource, spec, at, out);
    return out;
  };
}

/** Occurrences of an element; `[]` and `null` count as absent, as in FHIR JSON they may not appear at all. */
function count(node: Obj, req: RequiredChild): number {
  let found = 0;
  for (const key of req.keys) {
    const v = node[key];
    if (v == null) continue;
    found = Math.max(found, Array.isArray(v) ? v.length : 1);
  }
  return found;
}

function choiceKeys(req: RequiredChild): string {
  return req.keys.filter((k) => !k.startsWith('_')).join(', ');
}
