// A FHIR date, dateTime or instant as the closed range of milliseconds it covers at its precision.
// https://hl7.org/fhir/R4/search.html#date
const DATE = /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:\d{2})?)?)?)?$/;

export interface MsRange {
  start: number;
  end: number;
}

export function parseDateRange(value: string): MsRange | undefined {
  const m = DATE.exec(value);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  const year = Number(y);
  const month = mo ? Number(mo) - 1 : undefined;
  const day = d ? Number(d) : undefined;
  if (month !== undefined && (month < 0 || month > 11)) return undefined;
  if (day !== undefined && (day < 1 || day > 31)) return undefined;
  const offsetMs = zoneOffsetMs(zone);
  if (month === undefined) return { start: Date.UTC(year, 0, 1), end: Date.UTC(year + 1, 0, 1) - 1 };
  if (day === undefined) return { start: Date.UTC(year, month, 1), end: Date.UTC(year, month + 1, 1) - 1 };
  if (h === undefined) return { start: Date.UTC(year, month, day), end: Date.UTC(year, month, day + 1) - 1 };
  const base = Date.UTC(year, month, day, Number(h), Number(mi)) - offsetMs;
  if (s === undefined) return { start: base, end: base + 60_000 - 1 };
  const second = base + Number(s) * 1000;
  if (frac === undefined) return { start: second, end: second + 999 };
  const ms = Number(frac.slice(0, 3).padEnd(3, '0'));
  return { start: second + ms, end: second + ms };
}

function zoneOffsetMs(zone: string | undefined): number {
  if (!zone || zone === 'Z') return 0;
  const sign = zone.startsWith('-') ? -1 : 1;
  const [hh, mm] = zone.slice(1).split(':').map(Number);
  return sign * (hh * 60 + mm) * 60_000;
}
