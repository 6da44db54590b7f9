// Places device-local wall-clock times (Fitbit) on the time line with the patient's IANA zone (DST-aware) or a
// fixed offset, and renders instants (Google Fit) with the offset that applied there. On DST days: a local time
// that never existed (the skipped hour of a spring-forward day) is not placed (the caller skips the record with
// the reason `nonexistent` gives); a repeated local time (the fall-back hour) takes the earlier offset (its first
// occurrence), except in a series, where it takes the later one once the series has gone past the first.
import { DateTime, FixedOffsetZone, IANAZone, type Zone } from 'luxon';
import { MappingError, type MappingOptions } from './types.js';

const OFFSET = /^(?:Z|UTC|([+-])(\d{2}):?(\d{2}))$/;
const LOCAL = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3})\d*)?)?$/;

/** A point of a series placed in order: `repeat` when it took the later offset of a repeated local time. */
export interface Placed {
  at: string;
  end: string;
  repeat: boolean;
}

/** Places the points of one series (intraday heart rate, steps) in their order; see `LocalClock.series`. */
export interface SeriesClock {
  /** `local` (and `local` + `seconds` as `end`), or undefined when not a local time or when it does not exist. */
  place(local: string, seconds?: number): Placed | undefined;
}

export interface LocalClock {
  /** `yyyy-MM-ddTHH:mm[:ss[.SSS]]` local time to ISO 8601 with offset; undefined when not a local time or when
   *  it does not exist (see `nonexistent`). A repeated local time takes the earlier offset (its first occurrence). */
  place(local: string): string | undefined;
  /** The same, plus `seconds` of elapsed time (across a DST change the offset changes accordingly). */
  placePlus(local: string, seconds: number): string | undefined;
  /** Why `local` cannot be placed when it falls in a spring-forward gap ("… does not exist in Europe/Berlin: clocks
   *  moved forward"), else undefined. */
  nonexistent(local: string): string | undefined;
  /** The local day `yyyy-MM-dd` as a period: its first instant to its last second, each with its own offset. */
  day(date: string): { start: string; end: string } | undefined;
  /** A clock for one series: a repeated local time takes the earlier offset unless the series already went past
   *  that instant (the local time went backwards), then the later one, so points keep their order and instants. */
  series(): SeriesClock;
  /** A clock that keeps the offset in force at `local` for every later time (Fitbit sleep logs); for a local time
   *  in a gap, the offset before the gap (the device had not changed yet); for a repeated one, the earlier. */
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
const DAY_MS = 86_400_000;

/** A local time's wall-clock fields read as if UTC (ms), or undefined when it is no valid local time. */
function wallOf(local: string): number | undefined {
  const m = LOCAL.exec(local);
  if (!m) return undefined;
  const wall = DateTime.fromObject(
    {
      year: +m[1],
      month: +m[2],
      day: +m[3],
      hour: +m[4],
      minute: +m[5],
      second: m[6] ? +m[6] : 0,
      millisecond: m[7] ? +m[7].padEnd(3, '0') : 0,
    },
    { zone: FixedOffsetZone.utcInstance },
  );
  return wall.isValid ? wall.toMillis() : undefined;
}

/**
 * The instants whose wall clock in `zone` reads `wall`, earliest first: none in a gap, two in a repeated hour.
 * Each offset the zone has within a day of the wall time is tried, and kept when the zone has it at that instant.
 */
function candidates(zone: Zone, wall: number): number[] {
  const offsets = new Set([zone.offset(wall - DAY_MS), zone.offset(wall), zone.offset(wall + DAY_MS)]);
  const out = [...offsets].map((o) => wall - o * 60_000).filter((t) => zone.offset(t) * 60_000 === wall - t);
  return [...new Set(out)].sort((a, b) => a - b);
}

function clockIn(zone: Zone): LocalClock {
  const at = (ms: number) => DateTime.fromMillis(ms, { zone });
  const first = (local: string): number | undefined => {
    const wall = wallOf(local);
    return wall === undefined ? undefined : candidates(zone, wall)[0];
  };
  const clock: LocalClock = {
    place: (local) => {
      const t = first(local);
      return t === undefined ? undefined : iso(at(t));
    },
    placePlus: (local, seconds) => {
      const t = first(local);
      return t === undefined ? undefined : iso(at(t + Math.round(seconds * 1000)));
    },
    nonexistent: (local) => {
      const wall = wallOf(local);
      if (wall === undefined || candidates(zone, wall).length) return undefined;
      return `local time ${local} does not exist in ${zone.name}: clocks moved forward`;
    },
    day: (date) => {
      const start = DateTime.fromISO(date, { zone }).startOf('day');
      if (!start.isValid) return undefined;
      // The day's last second: 23:59:59 unless that falls in a gap (then the last instant before midnight).
      const end = clock.place(`${date}T23:59:59`) ?? iso(start.plus({ days: 1 }).startOf('day').minus({ seconds: 1 }));
      return { start: iso(start), end };
    },
    series: () => {
      let last = -Infinity;
      return {
        place: (local, seconds = 0) => {
          const wall = wallOf(local);
          if (wall === undefined) return undefined;
          const found = candidates(zone, wall);
          if (!found.length) return undefined;
          // The earlier instant unless the series already went past it (then the later, when there is one).
          const t = found.find((c) => c > last) ?? found[found.length - 1];
          last = Math.max(last, t);
          return { at: iso(at(t)), end: iso(at(t + Math.round(seconds * 1000))), repeat: t !== found[0] };
        },
      };
    },
    fixedAt: (local) => {
      const wall = wallOf(local);
      if (wall === undefined) return clockIn(zone);
      const t = candidates(zone, wall)[0];
      // In a gap: the offset in force just before it (an hour before the wall time read with the later offset).
      const offset = t !== undefined ? zone.offset(t) : zone.offset(wall - zone.offset(wall) * 60_000 - 3_600_000);
      return clockIn(FixedOffsetZone.instance(offset));
    },
    instant: (ms) => iso(at(ms)),
  };
  return clock;
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
