// The whole UTC calendar days inside a period: Observation/$stats reads them from the daily rollup. Pure.
// https://hl7.org/fhir/R4/observation-operation-stats.html
const DAY_MS = 86_400_000;
/** The DATE column's documented range (MySQL 8 and MariaDB). */
const FIRST = Date.UTC(1000, 0, 1);
const LAST = Date.UTC(9999, 11, 31);

/** The whole UTC days inside [start, end] (epoch ms, both inclusive) as YYYY-MM-DD, `to` exclusive; undefined when none. */
export function wholeDaysOf(start: number, end: number): { from: string; to: string } | undefined {
  const from = Math.ceil(start / DAY_MS) * DAY_MS;
  const to = Math.floor((end + 1) / DAY_MS) * DAY_MS;
  if (!(from < to) || from < FIRST || to > LAST) return undefined;
  return { from: new Date(from).toISOString().slice(0, 10), to: new Date(to).toISOString().slice(0, 10) };
}
