// Chained parameters and _has under a restricted token: the resources a chain or _has looks at must be ones
// the token may search too, or a patient app could test values in another patient's record through a
// reference from its own. Each chain target and _has source is searched first, as the token (so the
// policy confines it, recursively for nested chains), and the criterion is replaced by the references found.
// https://hl7.org/fhir/R4/search.html#chaining
import { OutcomeError, issue, outcome } from '../../core/outcomes.js';
import type { Definitions } from '../../definitions/r4-definitions.js';
import type { ParamCriterion, SearchCriterion, SearchRequest } from '../../search/search-request.js';
import type { Page } from '../../store/repository.js';
import type { Resource } from 'fhir/r4.js';
import type { AccessPolicy } from './authorize-interaction.js';
import type { ResourceFacts } from './resource-facts.js';

/** Matches of one chained type a restricted token may chain through (one patient's record rarely has more). */
export const MAX_CHAINED = 1000;
/** No resource id contains `$`: the `_id` value that matches nothing. */
const NO_ID = '$none';

export interface ChainContext {
  policy: AccessPolicy;
  facts: ResourceFacts;
  defs: Definitions;
  /** Searches as the token (the authorized repository). */
  search(request: SearchRequest): Promise<Page<Resource>>;
}

/** The criteria with every chain or _has the token's scopes restrict rewritten into plain reference/_id criteria. */
export async function confineChains(type: string, criteria: SearchCriterion[], cx: ChainContext): Promise<SearchCriterion[]> {
  const out: SearchCriterion[] = [];
  for (const c of criteria) out.push(await confine(type, c, cx));
  return out;
}

async function confine(type: string, c: SearchCriterion, cx: ChainContext): Promise<SearchCriterion> {
  if (c.kind === 'chain') {
    if (c.targets.every((t) => cx.policy.unrestricted(t.type, 's'))) return c;
    const values: string[] = [];
    for (const target of c.targets) {
      for (const r of await searchAll(target.type, target.criterion, cx, c.name)) values.push(`${r.resourceType}/${r.id}`);
    }
    return { kind: 'param', name: c.name, def: c.def, values } satisfies ParamCriterion;
  }
  if (c.kind === 'has') {
    if (cx.policy.unrestricted(c.type, 's')) return c;
    const ids = new Set<string>();
    for (const source of await searchAll(c.type, c.criterion, cx, c.name)) {
      for (const ref of cx.facts.references(source, c.param)) if (ref.type === type) ids.add(ref.id);
    }
    const def = cx.defs.searchParams(type).get('_id')!;
    return { kind: 'param', name: c.name, def, values: ids.size > 0 ? [...ids] : [NO_ID] } satisfies ParamCriterion;
  }
  return c;
}

async function searchAll(type: string, criterion: SearchCriterion, cx: ChainContext, name: string): Promise<Resource[]> {
  const page = await cx.search({
    type,
    criteria: [criterion],
    sort: [],
    include: [],
    revinclude: [],
    count: MAX_CHAINED,
    total: 'none',
    ignored: [],
  });
  if (page.nextCursor !== undefined) {
    throw new OutcomeError(
      'invalid',
      outcome(
        issue({
          code: 'too-costly',
          diagnostics: `'${name}' matches more than ${MAX_CHAINED} ${type} resources this token may search; narrow it`,
          expression: name,
        }),
      ),
    );
  }
  return page.items;
}
