// Records what was skipped and why; a bad record throws a MappingError unless the caller asked for best effort.
import { MappingError, type MappingOptions, type SkippedRecord } from './types.js';

export class Skips {
  readonly list: SkippedRecord[] = [];

  constructor(private readonly opts: Pick<MappingOptions, 'bestEffort' | 'fileName'>) {}

  /** Input that is wrong (unparseable number, missing time): fatal unless bestEffort. */
  bad(position: string, reason: string): void {
    if (!this.opts.bestEffort) throw new MappingError(reason, this.opts.fileName, position);
    this.list.push({ position: this.at(position), reason });
  }

  /** Input that is fine but deliberately not imported (a zero reading is a device gap, an unmapped type). */
  drop(position: string, reason: string): void {
    this.list.push({ position: this.at(position), reason });
  }

  private at(position: string): string {
    return this.opts.fileName ? `${this.opts.fileName} ${position}` : position;
  }
}

export type Reading = { ok: true; value: number } | { ok: false; blank: boolean };

/** Numbers arrive as numbers or strings ("7428"); blank is '' or missing, anything else non-numeric is bad. */
export function reading(v: unknown): Reading {
  if (typeof v === 'number') return Number.isFinite(v) ? { ok: true, value: v } : { ok: false, blank: false };
  if (v === undefined || v === null) return { ok: false, blank: true };
  if (typeof v !== 'string') return { ok: false, blank: false };
  const s = v.trim();
  if (s === '') return { ok: false, blank: true };
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s)) return { ok: false, blank: false };
  const value = Number(s);
  // "1e400" has the shape of a number but no finite value: it is bad input, never an Infinity to store.
  return Number.isFinite(value) ? { ok: true, value } : { ok: false, blank: false };
}

/**
 * A positive reading, or undefined after recording why not: blank and zero are dropped (a zero heart rate or
 * step count is a gap in wearing the device), anything unparseable or negative is bad input.
 */
export function positive(skips: Skips, position: string, v: unknown, what: string): number | undefined {
  const r = reading(v);
  if (!r.ok) {
    if (r.blank) skips.drop(position, `blank ${what}`);
    else skips.bad(position, `${what} ${JSON.stringify(v)} is not a number`);
    return undefined;
  }
  if (r.value === 0) {
    skips.drop(position, `zero ${what} (a gap, not a reading)`);
    return undefined;
  }
  if (r.value < 0) {
    skips.bad(position, `${what} ${r.value} is negative`);
    return undefined;
  }
  return r.value;
}
