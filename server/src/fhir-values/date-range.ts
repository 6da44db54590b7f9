// A FHIR date, dateTime or instant as the closed range of milliseconds it covers at its precision.
// https://hl7.org/fhir/R4/search.html#date
import { calendarFields, calendarProblem, zoneOffsetMs } from '../core/calendar.js';

export interface MsRange {
  start: number;
  end: number;
}

/** Undefined unless `value` is a real calendar date or date-time (core/calendar.ts): 2026-02-30 covers nothing. */
export function parseDateRange(value: string): MsRange | undefined {
  const f = calendarFields(value);
  if (!f || f.year === undefined || calendarProblem(f) !== undefined) return undefined;
  const { year, hour, minute, second, millis } = f;
  const month = f.month === undefined ? undefined : f.month - 1;
  const day = f.day;
  if (month === undefined) return { start: utc(year, 0, 1), end: utc(year + 1, 0, 1) - 1 };
  if (day === undefined) return { start: utc(year, month, 1), end: utc(year, month + 1, 1) - 1 };
  if (hour === undefined || minute === undefined) return { start: utc(year, month, day), end: utc(year, month, day + 1) - 1 };
  const base = utc(year, month, day, hour, minute) - zoneOffsetMs(f.zone);
  if (second === undefined) return { start: base, end: base + 60_000 - 1 };
  const at = base + second * 1000;
  if (millis === undefined) return { start: at, end: at + 999 };
  return { start: at + millis, end: at + millis };
}

/** 400 Gregorian years are exactly 146097 days. */
const YEARS_400_MS = 146_097 * 86_400_000;

/** Date.UTC reads years 0-99 as 1900-1999; FHIR years 0001-0099 are what they say. */
function utc(year: number, month: number, day: number, hour = 0, minute = 0): number {
  return year >= 100 ? Date.UTC(year, month, day, hour, minute) : Date.UTC(year + 400, month, day, hour, minute) - YEARS_400_MS;
}

/** Why `value` (without a prefix) is not a date to search on, or undefined when parseDateRange reads it. */
export function dateRangeProblem(value: string): string | undefined {
  const f = calendarFields(value);
  if (!f || f.year === undefined) return `'${value}' is not a valid date (YYYY, YYYY-MM, YYYY-MM-DD or YYYY-MM-DDThh:mm[:ss][zone])`;
  const problem = calendarProblem(f);
  return problem && `'${value}' is not a real date: it ${problem}`;
}
