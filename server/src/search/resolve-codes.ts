// Token :in / :not-in (value sets) and :above / :below (code system hierarchies) stand for sets of codes: the planner
// asks a CodeResolver for them and returns a request whose criteria carry them, so that the storage builds its query
// synchronously. The parsed request is left as it was. https://hl7.org/fhir/R4/search.html#token
import { invalidParameter } from '../core/outcomes.js';
import { listedSize, type CodeSet } from '../fhir-values/code-set.js';
import { isTerminologyModifier, type TerminologyModifier } from './param-types.js';
import type { ParamCriterion, SearchCriterion, SearchRequest } from './search-request.js';

/** Where codes come from (the server's terminology: terminology/search-codes.ts). */
export interface CodeResolver {
  /** The codes `value` stands for under `modifier`, or why it names none (a 400 naming the parameter). */
  searchCodes(modifier: TerminologyModifier, value: string): Promise<{ codes: CodeSet } | { problem: string }>;
}

/** Beyond this many listed codes a search would send an unreasonable SQL statement. */
const MAX_CODES = 20_000;

/** `request` with every terminology criterion's codeSets filled (chains and _has included); itself when it has none. */
export async function resolveCodes(request: SearchRequest, resolver: CodeResolver): Promise<SearchRequest> {
  if (!request.criteria.some(needsCodes)) return request;
  const criteria: SearchCriterion[] = [];
  for (const c of request.criteria) criteria.push(await resolveCriterion(c, resolver));
  return { ...request, criteria };
}

const needsCodes = (c: SearchCriterion): boolean => {
  if (c.kind === 'chain') return c.targets.some((t) => needsCodes(t.criterion));
  if (c.kind === 'has') return needsCodes(c.criterion);
  return c.def.type === 'token' && isTerminologyModifier(c.modifier);
};

async function resolveCriterion(c: SearchCriterion, resolver: CodeResolver): Promise<SearchCriterion> {
  if (c.kind === 'chain') {
    const targets = [];
    for (const t of c.targets) targets.push({ type: t.type, criterion: await resolveCriterion(t.criterion, resolver) });
    return { ...c, targets };
  }
  if (c.kind === 'has') return { ...c, criterion: await resolveCriterion(c.criterion, resolver) };
  if (c.def.type !== 'token' || !isTerminologyModifier(c.modifier)) return c;
  const modifier = c.modifier;
  return { ...c, codeSets: await Promise.all(c.values.map((v) => codesFor(c, modifier, v, resolver))) };
}

async function codesFor(c: ParamCriterion, modifier: TerminologyModifier, value: string, resolver: CodeResolver): Promise<CodeSet> {
  const found = await resolver.searchCodes(modifier, value);
  const problem =
    'problem' in found
      ? found.problem
      : listedSize(found.codes) > MAX_CODES
        ? `it stands for more than ${MAX_CODES} codes; narrow the value set`
        : undefined;
  if (problem !== undefined) throw invalidParameter(`${c.name}=${value}: ${problem}`, c.name);
  return (found as { codes: CodeSet }).codes;
}
