// Whether a FHIR date, dateTime, instant or time names a real calendar value: leap years, month lengths, hours
// 0-23, minutes 0-59, seconds 0-60 (a leap second), offsets within +/-14:00. Shared by write validation and search
// values, so that what can be stored and what can be searched for agree. https://hl7.org/fhir/R4/datatypes.html#dateTime
// ("Dates SHALL be valid dates")

/** The fields of a date/time value as written; absent ones were not given (a partial date). */
export interface CalendarFields {
  year?: number;
  month?: number;
  day?: number;
  hour?: number;
  minute?: number;
  second?: number;
  /** Milliseconds of the fraction, truncated (FHIR allows any number of digits). */
  millis?: number;
  /** `Z`, `+hh:mm` or `-hh:mm`. */
  zone?: string;
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
export const MAX_OFFSET_MINUTES = 14 * 60;

/** Gregorian leap years: every fourth, except centuries not divisible by 400. */
export const isLeapYear = (year: number): boolean => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;

/** Days in `month` (1-12) of `year`. */
export function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

// The shapes FHIR writes (date, partial date, dateTime, instant) plus what search accepts beyond them (a time to the
// minute, no zone); each field's range is checked by calendarProblem, not here.
const DATE_TIME = /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?(Z|[+-]\d{2}:\d{2})?)?)?)?$/;
const TIME = /^(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?$/;

const num = (s: string | undefined) => (s === undefined ? undefined : Number(s));
const millisOf = (frac: string | undefined) => (frac === undefined ? undefined : Number(frac.slice(0, 3).padEnd(3, '0')));

/** The fields of `value`, or undefined when it does not have the shape of a date/time at all. */
export function calendarFields(value: string): CalendarFields | undefined {
  const d = DATE_TIME.exec(value);
  if (d) {
    const [, y, mo, day, h, mi, s, frac, zone] = d;
    return { year: Number(y), month: num(mo), day: num(day), hour: num(h), minute: num(mi), second: num(s), millis: millisOf(frac), zone };
  }
  const t = TIME.exec(value);
  if (t) return { hour: Number(t[1]), minute: Number(t[2]), second: num(t[3]), millis: millisOf(t[4]) };
  return undefined;
}

/** Why the fields are not a real calendar value (a phrase to follow the value in a message), or undefined when they are. */
export function calendarProblem(f: CalendarFields): string | undefined {
  if (f.year !== undefined && f.year < 1) return 'has year 0000; years run from 0001';
  if (f.month !== undefined && (f.month < 1 || f.month > 12)) return `has month ${pad(f.month)}; months run from 01 to 12`;
  if (f.year !== undefined && f.month !== undefined && f.day !== undefined) {
    const days = daysInMonth(f.year, f.month);
    if (f.day < 1 || f.day > days) return `has day ${pad(f.day)}, but ${MONTHS[f.month - 1]} ${f.year} has ${days} days`;
  }
  if (f.hour !== undefined && f.hour > 23) return `has hour ${pad(f.hour)}; hours run from 00 to 23`;
  if (f.minute !== undefined && f.minute > 59) return `has minute ${pad(f.minute)}; minutes run from 00 to 59`;
  if (f.second !== undefined && f.second > 60) return `has second ${pad(f.second)}; seconds run from 00 to 60 (a leap second)`;
  if (f.zone !== undefined && f.zone !== 'Z') {
    const [hh, mm] = f.zone.slice(1).split(':').map(Number);
    if (mm > 59 || hh * 60 + mm > MAX_OFFSET_MINUTES) return `has time zone offset ${f.zone}; offsets lie within -14:00 and +14:00`;
  }
  return undefined;
}

/** Why `value` is not a real calendar value; undefined when it is, or when it is not shaped like a date/time at all. */
export function temporalProblem(value: string): string | undefined {
  const fields = calendarFields(value);
  return fields && calendarProblem(fields);
}

/** The zone's offset from UTC in milliseconds (0 for Z or no zone). */
export function zoneOffsetMs(zone: string | undefined): number {
  if (!zone || zone === 'Z') return 0;
  const sign = zone.startsWith('-') ? -1 : 1;
  const [hh, mm] = zone.slice(1).split(':').map(Number);
  return sign * (hh * 60 + mm) * 60_000;
}

const pad = (n: number) => String(n).padStart(2, '0');
