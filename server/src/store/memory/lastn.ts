// Observation/$lastn over matches: the latest `max` per code (system|code of each coding), newest effective date
// first, each resource once, as store/mysql/lastn-sql.ts orders them. https://hl7.org/fhir/R4/operation-observation-lastn.html
import type { StoredResource } from './memory-state.js';

/** Where no date is indexed (as lastn-sql's COALESCE to 1000-01-01). */
const NO_DATE = Date.UTC(1000, 0, 1);

export function lastnOf(matches: readonly StoredResource[], max: number): StoredResource[] {
  const groups = new Map<string, { system: string | null; code: string; items: { r: StoredResource; latest: number }[] }>();
  for (const r of matches) {
    const dates = r.rows!.date.filter((d) => d.param === 'date').map((d) => d.end);
    const latest = dates.length > 0 ? Math.max(...dates) : NO_DATE;
    const codes = new Set<string>();
    for (const t of r.rows!.token) {
      if (t.param !== 'code' || t.code === null) continue;
      const key = JSON.stringify([t.system, t.code]);
      if (codes.has(key)) continue;
      codes.add(key);
      const group = groups.get(key) ?? { system: t.system, code: t.code, items: [] };
      group.items.push({ r, latest });
      groups.set(key, group);
    }
  }
  // MySQL sorts a NULL system first.
  const ordered = [...groups.values()].sort(
    (a, b) => Number(a.system !== null) - Number(b.system !== null) || cmp(a.system ?? '', b.system ?? '') || cmp(a.code, b.code),
  );
  const seen = new Set<StoredResource>();
  const out: StoredResource[] = [];
  for (const g of ordered) {
    const latest = g.items.sort((a, b) => b.latest - a.latest || b.r.pk - a.r.pk).slice(0, max);
    for (const { r } of latest) {
      if (seen.has(r)) continue;
      seen.add(r);
      out.push(r);
    }
  }
  return out;
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
