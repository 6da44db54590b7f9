// The codes behind token :in / :not-in (value sets) and :above / :below (code system hierarchies): this server's
// terminology as the search planner's CodeResolver (search/resolve-codes.ts). https://hl7.org/fhir/R4/search.html#token
import { codesOf, type CodeSet } from '../fhir-values/code-set.js';
import type { CodeResolver } from '../search/resolve-codes.js';
import type { TerminologyModifier } from '../search/param-types.js';
import type { CodeSystemIndex } from './code-system-index.js';
import { TerminologyError } from './expand-value-set.js';

interface Sources {
  codeSystem(url: string): Promise<CodeSystemIndex | undefined>;
  valueSetCodes(reference: string): Promise<CodeSet>;
}

export function searchCodes(sources: Sources): CodeResolver['searchCodes'] {
  return async (modifier, value) => {
    try {
      return {
        codes:
          modifier === 'in' || modifier === 'not-in' ? await sources.valueSetCodes(value) : await subsumption(modifier, value, sources),
      };
    } catch (err) {
      if (err instanceof TerminologyError) return { problem: err.message };
      throw err;
    }
  };
}

/** `:below` matches the code and what it subsumes, `:above` the code and what subsumes it. */
async function subsumption(modifier: TerminologyModifier, value: string, sources: Sources): Promise<CodeSet> {
  const bar = value.indexOf('|');
  const system = bar > 0 ? value.slice(0, bar) : '';
  const code = value.slice(bar + 1);
  if (!system || !code) throw new TerminologyError(`:${modifier} takes system|code`);
  const cs = await sources.codeSystem(system);
  if (!cs) throw new TerminologyError(`code system ${system} is not held by this server, so its hierarchy is unknown`);
  if (!cs.concepts.has(code)) {
    if (cs.complete) throw new TerminologyError(`code '${code}' is not in code system ${system}`);
    return codesOf(system, [code]);
  }
  return codesOf(system, modifier === 'below' ? cs.descendantsAndSelf(code) : cs.ancestorsAndSelf(code));
}
