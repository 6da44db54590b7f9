// Skipped Apple records: bad ones one by one (up to a cap), deliberate drops counted per reason, so that the
// report of a multi-gigabyte export stays small: reasons are cut to a readable length and, past a few hundred
// distinct ones (a hostile export naming a new type per record), counted together.
import type { SkippedRecord } from '../types.js';
import { detach } from './xml-scanner.js';

const MAX_LISTED = 10_000;
const MAX_REASONS = 500;
const MAX_REASON_CHARS = 300;

const OTHER = `other reasons (beyond the first ${MAX_REASONS} different ones)`;
const cut = (reason: string) =>
  reason.length > MAX_REASON_CHARS ? `${reason.slice(0, MAX_REASON_CHARS)}... (${reason.length} characters)` : reason;

export class SkipTally {
  private listed: SkippedRecord[] = [];
  private listedTotal = 0;
  private readonly counts = new Map<string, { count: number; line: number }>();

  constructor(private readonly fileName: string) {}

  bad(line: number, reason: string): void {
    if (++this.listedTotal <= MAX_LISTED) this.listed.push({ position: `${this.fileName} line ${line}`, reason: detach(cut(reason)) });
    else this.drop(line, 'bad record beyond the first 10,000 listed');
  }

  drop(line: number, reason: string): void {
    let key = cut(reason);
    if (this.counts.size >= MAX_REASONS && !this.counts.has(key)) key = OTHER;
    const c = this.counts.get(key);
    if (c) c.count++;
    else this.counts.set(detach(key), { count: 1, line });
  }

  /** The bad records listed since the last call. */
  takeListed(): SkippedRecord[] {
    const out = this.listed;
    this.listed = [];
    return out;
  }

  /** One entry per reason, in order of first occurrence: where it first happened and how many records it skipped. */
  summary(): SkippedRecord[] {
    return [...this.counts].map(([reason, c]) => ({ position: `${this.fileName} line ${c.line}`, reason, count: c.count }));
  }
}
