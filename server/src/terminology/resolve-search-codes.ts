// Fills the codes behind token :in / :not-in (value sets) and :above / :below (code system hierarchies)
// before a search becomes SQL, so SQL building stays synchronous. https://hl7.org/fhir/R4/search.html#token
import { invalidParameter } from '../core/outcomes.js';
import type { ParamCriterion, SearchCriterion, SearchRequest } from '../search/search-request.js';
import { TERMINOLOGY_MODIFIERS } from '../search/token-sql.js';
import { codesOf, listedSize, type CodeSet } from '../fhir-values/code-set.js';
import { TerminologyError } from './expand-value-set.js';
import type { Terminology } from './terminology.js';

export async function resolveSearchCodes(request: SearchRequest, terminology: Terminology): Promise<void> {
  for (const c of request.criteria) await resolveCriterion(c, terminology);
}

async function resolveCriterion(c: SearchCriterion, terminology: Terminology): Promise<void> {
  if (c.kind === 'chain') {
    for (const target of c.targets) await resolveCriterion(target.criterion, terminology);
  } else if (c.kind === 'has') {
    await resolveCriterion(c.criterion, terminology);
  } else if (c.def.type === 'token' && c.modifier && TERMINOLOGY_MODIFIERS.includes(c.modifier)) {
    c.codeSets = await Promise.all(c.values.map((v) => codesFor(c, v, terminology)));
  }
}

/** Beyond this many listed codes a search would send an unreasonable SQL statement. */
const MAX_CODES = 20_000;

async function codesFor(c: ParamCriterion, value: string, terminology: Terminology): Promise<CodeSet> {
  try {
    const codes = c.modifier === 'in' || c.modifier === 'not-in' ? await terminology.valueSetCodes(value) : await subsumption(c, value, terminology);
    if (listedSize(codes) > MAX_CODES) throw new TerminologyError(`it stands for more than ${MAX_CODES} codes; narrow the value set`);
    return codes;
  } catch (err) {
    if (err instanceof TerminologyError) throw invalidParameter(`${c.name}=${value}: ${err.message}`, c.name);
    throw err;
  }
}

/** `:below` matches the code and what it subsumes, `:above` the code and what subsumes it. */
async function subsumption(c: ParamCriterion, value: string, terminology: Terminology): Promise<CodeSet> {
  const bar = value.indexOf('|');
  const system = bar > 0 ? value.slice(0, bar) : '';
  const code = value.slice(bar + 1);
  if (!system || !code) throw new TerminologyError(`:${c.modifier} takes system|code`);
  const cs = await terminology.codeSystem(system);
  if (!cs) throw new TerminologyError(`code system ${system} is not held by this server, so its hierarchy is unknown`);
  if (!cs.concepts.has(code)) {
    if (cs.complete) throw new TerminologyError(`code '${code}' is not in code system ${system}`);
    return codesOf(system, [code]);
  }
  return codesOf(system, c.modifier === 'below' ? cs.descendantsAndSelf(code) : cs.ancestorsAndSelf(code));
}
