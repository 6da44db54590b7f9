// One CodeSystem's concepts and their is-a hierarchy (nesting, or the `parent`/`subsumedBy` properties).
// https://hl7.org/fhir/R4/codesystem.html#hierarchy
import type { CodeSystem, CodeSystemConcept, CodeSystemConceptProperty } from 'fhir/r4.js';

export interface ConceptEntry {
  code: string;
  display?: string;
  properties: CodeSystemConceptProperty[];
}

export interface CodeSystemIndex {
  url: string;
  name?: string;
  version?: string;
  /** `complete` when every code of the system is listed (fragments and examples are not). */
  complete: boolean;
  concepts: ReadonlyMap<string, ConceptEntry>;
  /** The code and every code it subsumes, transitively. */
  descendantsAndSelf(code: string): Set<string>;
  /** The code and every code that subsumes it, transitively. */
  ancestorsAndSelf(code: string): Set<string>;
  /** The codes directly above `code` (nesting, `parent`, `subsumedBy`). */
  parents(code: string): ReadonlySet<string>;
  /** The codes directly below `code`. */
  children(code: string): ReadonlySet<string>;
}

const PARENT_PROPERTIES = new Set(['parent', 'subsumedBy']);

/** Each CodeSystem object is indexed once, whoever asks (search and validation share the base ones). */
const indexes = new WeakMap<CodeSystem, CodeSystemIndex>();

export function indexCodeSystem(cs: CodeSystem): CodeSystemIndex {
  let index = indexes.get(cs);
  if (!index) indexes.set(cs, (index = buildIndex(cs)));
  return index;
}

function buildIndex(cs: CodeSystem): CodeSystemIndex {
  const concepts = new Map<string, ConceptEntry>();
  const parents = new Map<string, Set<string>>();
  const children = new Map<string, Set<string>>();
  const link = (parent: string, child: string) => {
    (parents.get(child) ?? parents.set(child, new Set()).get(child)!).add(parent);
    (children.get(parent) ?? children.set(parent, new Set()).get(parent)!).add(child);
  };
  const walk = (list: CodeSystemConcept[] | undefined, parent?: string) => {
    for (const c of list ?? []) {
      concepts.set(c.code, { code: c.code, display: c.display, properties: c.property ?? [] });
      if (parent !== undefined) link(parent, c.code);
      for (const p of c.property ?? []) if (PARENT_PROPERTIES.has(p.code) && p.valueCode) link(p.valueCode, c.code);
      walk(c.concept, c.code);
    }
  };
  walk(cs.concept);

  const closure = (start: string, edges: Map<string, Set<string>>) => {
    const seen = new Set<string>([start]);
    const queue = [start];
    while (queue.length > 0) {
      for (const next of edges.get(queue.pop()!) ?? []) {
        if (!seen.has(next)) {
          seen.add(next);
          queue.push(next);
        }
      }
    }
    return seen;
  };
  const none: ReadonlySet<string> = new Set();
  return {
    url: cs.url ?? '',
    name: cs.name,
    version: cs.version,
    complete: cs.content === 'complete',
    concepts,
    descendantsAndSelf: (code) => closure(code, children),
    ancestorsAndSelf: (code) => closure(code, parents),
    parents: (code) => parents.get(code) ?? none,
    children: (code) => children.get(code) ?? none,
  };
}
