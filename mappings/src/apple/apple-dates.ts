// Apple export dates (`yyyy-MM-dd HH:mm:ss ±HHMM`, in the exporting phone's zone) to instants, shown with the
// offset of the record's own HKTimeZone when it has one, else with the offset written in the export.
// Parsed by hand, not by regex: every record has two dates and large exports have millions of records.
import { IANAZone } from 'luxon';
import { detach } from './xml-scanner.js';

export interface AppleInstant {
  ms: number;
  /** Minutes east of UTC as written in the export. */
  offset: number;
}

/** The number in s[from, from + n) when all digits, else -1. */
function digits(s: string, from: number, n: number): number {
  let v = 0;
  for (let i = from; i < from + n; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    v = v * 10 + c;
  }
  return v;
}

const DAYS = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

export function parseAppleDate(s: string): AppleInstant | undefined {
  if (
    s.length !== 25 ||
    s.charCodeAt(4) !== 45 ||
    s.charCodeAt(7) !== 45 ||
    s.charCodeAt(10) !== 32 ||
    s.charCodeAt(13) !== 58 ||
    s.charCodeAt(16) !== 58 ||
    s.charCodeAt(19) !== 32
  )
    return undefined;
  const sign = s.charCodeAt(20);
  const y = digits(s, 0, 4);
  const mo = digits(s, 5, 2);
  const d = digits(s, 8, 2);
  const h = digits(s, 11, 2);
  const mi = digits(s, 14, 2);
  const sec = digits(s, 17, 2);
  const oh = digits(s, 21, 2);
  const om = digits(s, 23, 2);
  if (
    (sign !== 43 && sign !== 45) ||
    y < 0 ||
    mo < 1 ||
    mo > 12 ||
    d < 1 ||
    d > DAYS[mo - 1] ||
    h < 0 ||
    h > 23 ||
    mi < 0 ||
    mi > 59 ||
    sec < 0 ||
    sec > 59 ||
    oh < 0 ||
    oh > 18 ||
    om < 0 ||
    om > 59
  )
    return undefined;
  if (mo === 2 && d === 29 && !(y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0))) return undefined;
  const offset = (sign === 45 ? -1 : 1) * (oh * 60 + om);
  return { ms: Date.UTC(y, mo - 1, d, h, mi, sec) - offset * 60_000, offset };
}

const p2 = (n: number) => (n < 10 ? `0${n}` : String(n));

export function isoWithOffset(ms: number, offset: number): string {
  const d = new Date(ms + offset * 60_000);
  const a = Math.abs(offset);
  const off = offset === 0 ? 'Z' : `${offset < 0 ? '-' : '+'}${p2(Math.floor(a / 60))}:${p2(a % 60)}`;
  return `${d.getUTCFullYear()}-${p2(d.getUTCMonth() + 1)}-${p2(d.getUTCDate())}T${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())}${off}`;
}

/** A date parseAppleDate accepted, in ISO 8601 with the offset it was written with. */
export const isoAsWritten = (s: string): string => `${s.slice(0, 10)}T${s.slice(11, 19)}${s.slice(20, 23)}:${s.slice(23, 25)}`;

const DAY = 86_400_000;
interface CachedZone {
  zone: IANAZone;
  days: Map<number, number | null>;
}
const zones = new Map<string, CachedZone | null>();

/** The offset of an IANA zone at an instant (undefined when the name is no zone). luxon's lookups are slow, and
 *  a zone changes its offset at most once a day: a UTC day whose first and last minute share an offset has that
 *  offset throughout, cached; only the day of a change is looked up instant by instant. */
function zoneOffset(name: string, ms: number): number | undefined {
  let cached = zones.get(name);
  if (cached === undefined) {
    cached = IANAZone.isValidZone(name) ? { zone: IANAZone.create(name), days: new Map() } : null;
    if (zones.size >= 1000) zones.clear();
    zones.set(detach(name), cached);
  }
  if (!cached) return undefined;
  const day = Math.floor(ms / DAY);
  let off = cached.days.get(day);
  if (off === undefined) {
    const first = cached.zone.offset(day * DAY);
    off = first === cached.zone.offset(day * DAY + DAY - 1) ? first : null;
    if (cached.days.size >= 100_000) cached.days.clear();
    cached.days.set(day, off);
  }
  return off ?? cached.zone.offset(ms);
}

/** ISO 8601 of an export date: with its HKTimeZone's offset then (DST-aware) when it names a zone, else as written. */
export function showAppleDate(raw: string, at: AppleInstant, hkTimeZone: string | undefined): string {
  const off = hkTimeZone ? zoneOffset(hkTimeZone, at.ms) : undefined;
  return off === undefined || off === at.offset ? isoAsWritten(raw) : isoWithOffset(at.ms, off);
}
