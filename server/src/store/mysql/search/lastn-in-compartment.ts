// $lastn for searches that name the patient: the matches, the patient's code rows and the patient's date rows
// are three queries run side by side (two of them one index range each: ix_token_compartment, ix_date_compartment),
// and the latest `max` per code are picked here, instead of a code lookup and a date lookup per matching
// Observation in one statement (lastn-sql.ts, which serves every other $lastn).
// https://hl7.org/fhir/R4/operation-observation-lastn.html
import type { CompartmentHint } from './compartment-hint.js';
import { sql, type Sql } from '../../sql.js';

type Run = (q: Sql) => Promise<Record<string, unknown>[]>;

/** An Observation without an effective date sorts as the oldest, as in lastn-sql.ts. */
const NO_DATE = Date.UTC(1000, 0, 1);

/**
 * The pks of the latest `max` matches per code (system|code of each coding), newest effective end first (then
 * the higher pk), codes in lastn-sql.ts's order: no system first, then by system and code as utf8mb4_bin sorts.
 * `run` must be able to run statements concurrently (a pool, not one connection).
 */
export async function lastnInCompartment(where: Sql, hint: CompartmentHint, max: number, run: Run): Promise<number[]> {
  const [matchRows, codes, dates] = await Promise.all([
    run(sql`SELECT r.pk FROM resource r WHERE ${where}`),
    run(sql`SELECT c.resource_pk AS pk, c.system, c.code FROM idx_token c
      WHERE ${hint.restrict(sql`c.compartment`)} AND c.res_type = 'Observation' AND c.param = 'code' AND c.code IS NOT NULL`),
    run(sql`SELECT d.resource_pk AS pk, d.end_at FROM idx_date d
      WHERE ${hint.restrict(sql`d.compartment`)} AND d.res_type = 'Observation' AND d.param = 'date'`),
  ]);
  const matches = new Set(matchRows.map((row) => Number(row.pk)));
  const latest = new Map<number, number>();
  for (const row of dates) {
    const pk = Number(row.pk);
    if (matches.has(pk)) latest.set(pk, Math.max(latest.get(pk) ?? NO_DATE, (row.end_at as Date).getTime()));
  }
  // Per code, each resource once (a resource in two of the compartments has its rows twice).
  const byCode = new Map<string, { system: string | null; code: string; pks: Set<number> }>();
  for (const row of codes) {
    const pk = Number(row.pk);
    if (!matches.has(pk)) continue;
    const system = row.system as string | null;
    const key = `${system === null ? 0 : 1}\u0000${system ?? ''}\u0000${String(row.code)}`;
    const group = byCode.get(key) ?? { system, code: String(row.code), pks: new Set<number>() };
    group.pks.add(pk);
    byCode.set(key, group);
  }
  const binary = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));
  const groups = [...byCode.values()].sort((a, b) =>
    (a.system === null) !== (b.system === null)
      ? a.system === null
        ? -1
        : 1
      : binary(a.system ?? '', b.system ?? '') || binary(a.code, b.code),
  );
  const when = (pk: number) => latest.get(pk) ?? NO_DATE;
  return groups.flatMap((g) => [...g.pks].sort((a, b) => when(b) - when(a) || b - a).slice(0, max));
}
