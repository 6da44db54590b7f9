// One search parameter -> a criterion: plain, chained (`subject:Patient.name`) or reverse-chained (`_has`).
// https://hl7.org/fhir/R4/search.html#chaining https://hl7.org/fhir/R4/search.html#has
import type { Definitions } from '../definitions/r4-definitions.js';
import { FULL_TEXT_PARAMS } from '../fhir-values/text-words.js';
import { MODIFIERS, type SearchableType } from './param-types.js';
import { unsearchable } from './searchable.js';
import type { SearchCriterion } from './search-request.js';
import { checkChainBranches, checkDepth } from './search-limits.js';
import { splitSearchValues } from './value-escape.js';

const MISSING = 'missing';

/** Either a criterion or the reason the parameter cannot be searched (the caller decides 400 or lenient). */
export type Parsed = { criterion: SearchCriterion } | Problem;
/** `kind`: an unknown parameter (or type), a modifier the parameter does not take, or a chain that cannot be followed. */
export interface Problem {
  problem: string;
  kind?: 'modifier' | 'chain';
}

/** Where the parse of one parameter is: reference steps taken, and terminal parameters found so far (search-limits.ts). */
interface Walk {
  /** The parameter as the client wrote it, for messages. */
  name: string;
  chain: number;
  has: number;
  leaves: { n: number };
}

/** Over a search limit (search-limits.ts) is thrown as a 400, lenient or not. */
export function parseCriterion(type: string, name: string, value: string, defs: Definitions): Parsed {
  return parseAt(type, name, value, defs, { name, chain: 0, has: 0, leaves: { n: 0 } });
}

function parseAt(type: string, name: string, value: string, defs: Definitions, walk: Walk): Parsed {
  checkDepth(walk.name, walk.chain, walk.has);
  if (name.startsWith('_has:')) return parseHas(type, name, value, defs, walk);
  const dot = name.indexOf('.');
  if (dot > 0) return parseChain(type, name, dot, value, defs, walk);
  const [code, modifier] = splitModifier(name);
  const def = defs.searchParams(type).get(code);
  if (!def) return { problem: `Unknown search parameter '${name}' for ${type}` };
  const problem = unsearchable(def);
  if (problem) return { problem };
  if (modifier === '') return { problem: `Search parameter '${name}' has an empty modifier (nothing after ':')`, kind: 'modifier' };
  const modifiers: readonly string[] = MODIFIERS[def.type as SearchableType];
  const referenceType = def.type === 'reference' && modifier !== undefined && defs.isResourceType(modifier);
  if (modifier && modifier !== MISSING && !modifiers.includes(modifier) && !referenceType) {
    return { problem: `Modifier ':${modifier}' is not supported on search parameter '${code}' (${def.type})`, kind: 'modifier' };
  }
  if (FULL_TEXT_PARAMS.has(code) && modifier && modifier !== MISSING) {
    return { problem: `Modifier ':${modifier}' is not supported on '${code}' (full-text search takes words)`, kind: 'modifier' };
  }
  walk.leaves.n += 1;
  checkChainBranches(walk.name, walk.leaves.n);
  return { criterion: { kind: 'param', name, def, modifier, values: splitSearchValues(value, def.type === 'string') } };
}

function parseChain(type: string, name: string, dot: number, value: string, defs: Definitions, walk: Walk): Parsed {
  const [code, modifier] = splitModifier(name.slice(0, dot));
  const rest = name.slice(dot + 1);
  const def = defs.searchParams(type).get(code);
  if (!def || def.type !== 'reference')
    return { problem: `'${code}' in chain '${name}' is not a reference parameter of ${type}`, kind: 'chain' };
  const candidates = modifier ? [modifier] : def.target;
  if (modifier && !def.target.includes(modifier)) return { problem: `'${code}' of ${type} cannot refer to a ${modifier}`, kind: 'chain' };
  const targets: { type: string; criterion: SearchCriterion }[] = [];
  let lastProblem: Problem = { problem: '' };
  for (const target of candidates) {
    const parsed = parseAt(target, rest, value, defs, { ...walk, chain: walk.chain + 1 });
    if ('criterion' in parsed) targets.push({ type: target, criterion: parsed.criterion });
    else lastProblem = parsed;
  }
  if (targets.length === 0)
    return { problem: `Chain '${name}': ${lastProblem.problem}`, kind: lastProblem.kind === 'modifier' ? 'modifier' : 'chain' };
  return { criterion: { kind: 'chain', name, def, targets } };
}

function parseHas(type: string, name: string, value: string, defs: Definitions, walk: Walk): Parsed {
  const [, source, param, ...rest] = name.split(':');
  if (!source || !param || rest.length === 0) return { problem: `'${name}' must look like _has:Type:reference:parameter` };
  if (!defs.isResourceType(source)) return { problem: `_has names an unknown resource type '${source}'` };
  const def = defs.searchParams(source).get(param);
  if (!def || def.type !== 'reference') return { problem: `_has: '${param}' is not a reference parameter of ${source}`, kind: 'chain' };
  if (!def.target.includes(type)) return { problem: `_has: ${source}.${param} cannot refer to a ${type}`, kind: 'chain' };
  const parsed = parseAt(source, rest.join(':'), value, defs, { ...walk, has: walk.has + 1 });
  if ('problem' in parsed) return parsed;
  return { criterion: { kind: 'has', name, type: source, param, criterion: parsed.criterion } };
}

export function splitModifier(name: string): [string, string | undefined] {
  const colon = name.indexOf(':');
  return colon < 0 ? [name, undefined] : [name.slice(0, colon), name.slice(colon + 1)];
}
