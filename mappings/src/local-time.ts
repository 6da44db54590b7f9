// Places device-local wall-clock times (Fitbit) on the time line with the patient's IANA zone (DST-aware) or a
// fixed offset, and renders instants (Google Fit) with the offset that applied there.
import { DateTime, FixedOffsetZone, IANAZone, type Zone } from 'luxon';
import { MappingError, type MappingOptions } from './types.js';

const OFFSET = /^(?:Z|UTC|([+-])(\d{2}):?(\d{2}))$/;
const LOCAL = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3})\d*)?)?$/;

export interface LocalClock {
  /** `yyyy-MM-ddTHH:mm[:ss[.SSS]]` local time to ISO 8601 with offset; undefined when not a local time. */
  place(local: string): string | undefined;
  /** The same, plus `seconds` of elapsed time (across a DST change the offset changes accordingly). */
  placePlus(local: string, seconds: number): string | undefined;
  /** A clock that keeps the offset in force at `local` for every later time (Fitbit sleep logs). */
  fixedAt(local: string): LocalClock;
  /** An instant (ms since the epoch) shown with the offset in force then. */
  instant(ms: number): string;
}

function zoneOf(opts: MappingOptions): Zone | undefined {
  if (opts.utcOffset !== undefined) {
    const m = OFFSET.exec(opts.utcOffset.trim());
    if (!m) throw new MappingError(`utcOffset '${opts.utcOffset}' is not an offset such as +02:00`, opts.fileName);
    const minutes = m[1] ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) : 0;
    if (Math.abs(minutes) > 18 * 60) throw new MappingError(`utcOffset '${opts.utcOffset}' is beyond ±18:00`, opts.fileName);
    return FixedOffsetZone.instance(minutes);
  }
  if (opts.timeZone !== undefined) {
    if (!IANAZone.isValidZone(opts.timeZone)) throw new MappingError(`timeZone '${opts.timeZone}' is not an IANA time zone`, opts.fileName);
    return IANAZone.create(opts.timeZone);
  }
  return undefined;
}

const iso = (dt: DateTime): string => dt.toISO({ suppressMilliseconds: true, includeOffset: true }) ?? '';

function clockIn(zone: Zone): LocalClock {
  const parse = (local: string): DateTime | undefined => {
    const m = LOCAL.exec(local);
    if (!m) return undefined;
    const dt = DateTime.fromObject(
      {
        year: +m[1], month: +m[2], day: +m[3], hour: +m[4], minute: +m[5], second: m[6] ? +m[6] : 0,
        millisecond: m[7] ? +m[7].padEnd(3, '0') : 0,
      },
      { zone },
    );
    return dt.isValid ? dt : undefined;
  };
  return {
    place: (local) => {
      const dt = parse(local);
      return dt && iso(dt);
    },
    placePlus: (local, seconds) => {
      const dt = parse(local);
      return dt && iso(dt.plus({ milliseconds: Math.round(seconds * 1000) }));
    },
    fixedAt: (local) => {
      const dt = parse(local);
      return dt ? clockIn(FixedOffsetZone.instance(dt.offset)) : clockIn(zone);
    },
    instant: (ms) => iso(DateTime.fromMillis(ms, { zone })),
  };
}

/** Throws when the options give neither a zone nor an offset: local times cannot be placed without one. */
export function localClock(opts: MappingOptions, what: string): LocalClock {
  const zone = zoneOf(opts);
  if (!zone) throw new MappingError(`${what} times are device-local: give timeZone (IANA) or utcOffset`, opts.fileName);
  return clockIn(zone);
}

/** Instants are shown in the patient's zone when known, else in UTC. */
export function instantClock(opts: MappingOptions): LocalClock {
  return clockIn(zoneOf(opts) ?? FixedOffsetZone.utcInstance);
}
