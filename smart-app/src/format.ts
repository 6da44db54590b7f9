// Display formatting for FHIR values (names, dates, identifiers, quantities): pure, locale-independent.
import type { HumanName, Identifier, Quantity } from 'fhir/r4.js';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const MR_SYSTEM = 'http://terminology.hl7.org/CodeSystem/v2-0203';

/** The name a clinician expects to read: official, else usual, else the first one; `text` wins when given. */
export function formatName(names: HumanName[] | undefined): string {
  if (!names?.length) return 'Unnamed';
  const current = names.filter((n) => !n.period?.end);
  const pool = current.length ? current : names;
  const name = pool.find((n) => n.use === 'official') ?? pool.find((n) => n.use === 'usual') ?? pool[0];
  if (name.text?.trim()) return name.text.trim();
  const parts = [...(name.prefix ?? []), ...(name.given ?? []), name.family ?? ''].map((p) => p.trim()).filter(Boolean);
  return parts.length ? parts.join(' ') : 'Unnamed';
}

/**
 * A FHIR date (YYYY, YYYY-MM or YYYY-MM-DD) as "2 Apr 1980". Parsed by hand: `new Date('1980-04-02')` is UTC
 * midnight and would show 1 April anywhere west of Greenwich.
 */
export function formatDate(value: string | undefined): string {
  if (!value) return 'Unknown';
  const m = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?/.exec(value);
  if (!m) return value;
  const [, year, month, day] = m;
  if (!month) return year;
  const monthName = MONTHS[Number(month) - 1] ?? month;
  return day ? `${Number(day)} ${monthName} ${year}` : `${monthName} ${year}`;
}

/**
 * A dateTime/instant in the viewer's time zone (given explicitly so tests are deterministic). The month comes from
 * our own list: Intl's en-GB short month is "Sept", while formatDate says "Sep", and one page must not show both.
 */
export function formatDateTime(value: string | undefined, timeZone?: string): string {
  if (!value) return 'Unknown';
  if (!value.includes('T')) return formatDate(value);
  const time = Date.parse(value);
  if (Number.isNaN(time)) return value;
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(new Date(time));
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${Number(get('day'))} ${MONTHS[Number(get('month')) - 1]} ${get('year')} ${get('hour')}:${get('minute')}`;
}

/** Whole years between a birth date and `now`, or undefined when the birth date is partial or missing. */
export function ageOn(birthDate: string | undefined, now: Date): number | undefined {
  const m = birthDate && /^(\d{4})-(\d{2})-(\d{2})$/.exec(birthDate);
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  let age = now.getUTCFullYear() - y;
  if (now.getUTCMonth() + 1 < mo || (now.getUTCMonth() + 1 === mo && now.getUTCDate() < d)) age--;
  return age;
}

export function formatGender(gender: string | undefined): string {
  if (!gender) return 'Unknown';
  return gender.charAt(0).toUpperCase() + gender.slice(1);
}

/** The medical record number: the identifier typed MR (v2-0203), as EHRs and US Core mark it. */
export function medicalRecordNumber(identifiers: Identifier[] | undefined): string | undefined {
  const mr = identifiers?.find((id) => id.type?.coding?.some((c) => c.system === MR_SYSTEM && c.code === 'MR'));
  return mr?.value;
}

/** A number with at most `digits` decimals and thousands separators ("8,432", "97.5"). */
export function formatNumber(value: number, digits = 1): string {
  const factor = 10 ** digits;
  // Half away from zero, as people round (Math.round takes -3.25 to -3.2).
  const rounded = (Math.sign(value) * Math.round(Math.abs(value) * factor)) / factor;
  const [whole, fraction] = Math.abs(rounded).toString().split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${rounded < 0 ? '-' : ''}${grouped}${fraction ? `.${fraction}` : ''}`;
}

/** A Quantity with its human unit; UCUM annotations like `{score}` or `{steps}` are dropped. */
export function formatQuantity(q: Quantity | undefined): string {
  if (q?.value === undefined) return 'No value';
  const unit = (q.unit ?? q.code ?? '').trim();
  const shown = /^\{.*\}$/.test(unit) ? '' : unit === '/min' ? 'beats/min' : unit;
  return shown ? `${formatNumber(q.value)} ${shown}` : formatNumber(q.value);
}

/** A duration Quantity (UCUM h, min or s) as "7 h 20 min". */
export function formatDuration(q: Quantity | undefined): string {
  if (q?.value === undefined) return 'No value';
  const unit = q.code ?? q.unit ?? '';
  const perUnit: Record<string, number> = { h: 60, hr: 60, hour: 60, hours: 60, min: 1, minutes: 1, s: 1 / 60 };
  const factor = perUnit[unit];
  if (factor === undefined) return formatQuantity(q);
  const minutes = Math.round(q.value * factor);
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return h ? `${h} h ${m} min` : `${m} min`;
}
