// The codes $lastn groups by, for one patient: the distinct (code, system) of the patient's Observation.code index
// rows, found by skipping through ix_token_compartment one seek per distinct code (a loose index scan written out:
// neither engine reliably picks one for DISTINCT), so the cost follows the codes, not the patient's Observations.
// Then put in the order $lastn returns groups.
// https://hl7.org/fhir/R4/operation-observation-lastn.html
import { hasCode } from '../../../fhir-values/code-set.js';
import type { SearchRequest } from '../../../search/search-request.js';
import { sql, type Sql } from '../../sql.js';

export type Run = (q: Sql) => Promise<Record<string, unknown>[]>;

export interface CodeGroup {
  system: string | null;
  code: string;
}

/** Every distinct code of the Observations with rows in compartment `id`, in index order (code, then system). */
export async function patientCodes(id: string, run: Run): Promise<CodeGroup[]> {
  const found: CodeGroup[] = [];
  let last: CodeGroup | undefined;
  for (;;) {
    // Rows after `last` in (code, system) order; a NULL system sorts first.
    const after = !last
      ? sql`c.code IS NOT NULL`
      : last.system === null
        ? sql`(c.code > ${last.code} OR (c.code = ${last.code} AND c.system IS NOT NULL))`
        : sql`(c.code > ${last.code} OR (c.code = ${last.code} AND c.system > ${last.system}))`;
    const [row] = await run(sql`SELECT c.code, c.system FROM idx_token c FORCE INDEX (ix_token_compartment)
      WHERE c.compartment = ${id} AND c.res_type = 'Observation' AND c.param = 'code' AND ${after}
      ORDER BY c.code, c.system LIMIT 1`);
    if (!row) return found;
    last = { code: String(row.code), system: (row.system as string | null) ?? null };
    found.push(last);
  }
}

/**
 * Whether the request's `code` criteria name `g` itself (each criterion ANDed, its values ORed); criteria with other
 * modifiers name every code. A group the criteria do not name still holds the matches that carry `g` beside a
 * coding that was asked for (an Observation with two codings is in both groups), so it is not left out: its
 * matches carry two different codes, and the usual plan finds them from the rarer one.
 */
export function namedByCode(request: SearchRequest, g: CodeGroup): boolean {
  return request.criteria.every((c) => {
    if (c.kind !== 'param' || c.def.code !== 'code') return true;
    if (c.codeSets && (c.modifier === 'in' || c.modifier === 'below' || c.modifier === 'above')) {
      return g.system !== null && c.codeSets.some((set) => hasCode(set, g.system!, g.code));
    }
    if (c.modifier !== undefined) return true;
    return c.values.some((v) => tokenMatches(v, g));
  });
}

/** As token-sql.ts's tokenCondition: `code`, `system|code`, `|code` (no system) or `system|`. */
function tokenMatches(value: string, g: CodeGroup): boolean {
  const bar = value.indexOf('|');
  if (bar < 0) return g.code === value;
  const system = value.slice(0, bar);
  const code = value.slice(bar + 1);
  if (system === '') return g.system === null && g.code === code;
  if (code === '') return g.system === system;
  return g.system === system && g.code === code;
}

/** Codings without a system first, then by system and code as utf8mb4_bin sorts them (as lastn-sql.ts orders). */
export function byGroupOrder(a: CodeGroup, b: CodeGroup): number {
  if ((a.system === null) !== (b.system === null)) return a.system === null ? -1 : 1;
  return binary(a.system ?? '', b.system ?? '') || binary(a.code, b.code);
}

const binary = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));

export const groupKey = (g: CodeGroup): string => `${g.system === null ? 0 : 1}\u0000${g.system ?? ''}\u0000${g.code}`;
