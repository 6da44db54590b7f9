// What every Fitbit response mapper shares: options, the local clock, skips, the device and the output.
import type { Device, Observation } from 'fhir/r4.js';
import { buildDevice } from '../device.js';
import type { LocalClock } from '../local-time.js';
import type { Skips } from '../skips.js';
import type { DeviceInfo, MappingOptions } from '../types.js';

export interface FitbitContext {
  opts: MappingOptions;
  clock: LocalClock;
  skips: Skips;
  device: Device;
  /** A different device (e.g. an Aria scale named by a weight log). */
  deviceFor(info: DeviceInfo): Device;
  out: Observation[];
}

export const fitbitDevice = (info: DeviceInfo | undefined): Device =>
  buildDevice('fitbit', { manufacturer: 'Fitbit', name: 'Fitbit', ...info });

export type Json = Record<string, unknown>;
export const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
/** An id or code Fitbit sends as a number or a string, as text (as String() writes those; never '[object Object]'). */
export const idText = (v: unknown): string =>
  typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v) : (JSON.stringify(v) ?? '');
export const DATE = /^\d{4}-\d{2}-\d{2}$/;
export const TIME = /^\d{2}:\d{2}(:\d{2})?$/;

/** The local day as a period: midnight to the day's last second, each with the offset then in force. */
export function localDay(ctx: FitbitContext, date: string): { start: string; end: string } | undefined {
  return ctx.clock.day(date);
}

/** Records why `local` has no place on the time line: skipped (with the zone) when it does not exist, else bad. */
export function unplaced(ctx: FitbitContext, position: string, local: string, bad: string): void {
  const gap = ctx.clock.nonexistent(local);
  if (gap) ctx.skips.drop(position, gap);
  else ctx.skips.bad(position, bad);
}

/** A date-keyed entry's date, or undefined after recording the bad input. */
export function dateOf(ctx: FitbitContext, position: string, v: unknown): string | undefined {
  if (typeof v === 'string' && DATE.test(v) && ctx.clock.place(`${v}T12:00:00`)) return v;
  ctx.skips.bad(position, `dateTime ${JSON.stringify(v)} is not a date (yyyy-MM-dd)`);
  return undefined;
}
