// Drops records another source already counted. Records that win (watch steps, iOS 16 sleep stages) keep only
// their intervals in memory (16 bytes each); records that may lose (other steps, generic Asleep) wait in a
// temporary file until the whole export has been read, so memory stays flat however large the export is.
import { closeSync, mkdtempSync, openSync, rmSync, writeSync, createReadStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { streamLines } from '../stream-lines.js';
import type { AppleRecord } from './apple-records.js';

/** Growable [start, end) intervals in ms; after seal(), overlaps(s, e) answers in O(log n). */
export class IntervalSet {
  private data = new Float64Array(1024);
  private n = 0;
  private maxEnd = new Float64Array(0);

  add(start: number, end: number): void {
    if (this.n * 2 === this.data.length) {
      const bigger = new Float64Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.n * 2] = start;
    this.data[this.n * 2 + 1] = end;
    this.n++;
  }

  seal(): void {
    const order = Array.from({ length: this.n }, (_, i) => i).sort((x, y) => this.data[x * 2] - this.data[y * 2]);
    const sorted = new Float64Array(this.n * 2);
    order.forEach((i, k) => {
      sorted[k * 2] = this.data[i * 2];
      sorted[k * 2 + 1] = this.data[i * 2 + 1];
    });
    this.data = sorted;
    this.maxEnd = new Float64Array(this.n);
    for (let k = 0, m = -Infinity; k < this.n; k++) this.maxEnd[k] = m = Math.max(m, sorted[k * 2 + 1]);
  }

  /** Whether [start, end) shares any time with an interval of the set (an instant counts when inside one). */
  overlaps(start: number, end: number): boolean {
    // Last interval starting before `end` (or at it, for an instant).
    let lo = 0;
    let hi = this.n - 1;
    let last = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const s = this.data[mid * 2];
      if (s < end || (start === end && s <= end)) {
        last = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return last >= 0 && this.maxEnd[last] > start;
  }
}

/** A record held back: the record itself (mapped again when it is let through: cheaper than storing its
 *  Observation), its interval and the group that decides it. */
export interface Deferred {
  rec: AppleRecord;
  start: number;
  end: number;
  group: 'other-steps' | 'generic-asleep';
}

/** Deferred records as JSON lines in a private temporary directory, removed by dispose(). The long device
 *  strings are written as an index into a table kept in memory (an export has few distinct ones). */
export class Spill {
  private readonly deviceIndex = new Map<string, number>();
  private readonly deviceTable: string[] = [];
  private dir?: string;
  private fd?: number;
  private pending: string[] = [];
  private size = 0;
  count = 0;

  add(d: Deferred): void {
    const device = d.rec.attrs.device;
    let line: string;
    if (device === undefined) line = JSON.stringify(d);
    else {
      let i = this.deviceIndex.get(device);
      if (i === undefined) {
        i = this.deviceTable.push(device) - 1;
        this.deviceIndex.set(device, i);
      }
      d.rec.attrs.device = '';
      line = JSON.stringify(d);
      d.rec.attrs.device = device;
      line = `${i}\t${line}`;
    }
    this.pending.push(line);
    this.size += line.length;
    this.count++;
    if (this.size > 1 << 20) this.flush();
  }

  private flush(): void {
    if (!this.pending.length) return;
    if (this.fd === undefined) {
      this.dir = mkdtempSync(join(tmpdir(), 'fibrotrack-apple-'));
      this.fd = openSync(join(this.dir, 'deferred.jsonl'), 'w', 0o600);
    }
    writeSync(this.fd, this.pending.join('\n') + '\n');
    this.pending = [];
    this.size = 0;
  }

  async *read(): AsyncGenerator<Deferred> {
    if (this.fd === undefined) {
      // Small exports never touch the disk.
      const lines = this.pending;
      this.pending = [];
      for (const l of lines) yield this.parse(l);
      return;
    }
    this.flush();
    closeSync(this.fd);
    this.fd = undefined;
    for await (const l of streamLines(createReadStream(join(this.dir!, 'deferred.jsonl')))) if (l) yield this.parse(l);
  }

  private parse(line: string): Deferred {
    const tab = line.charCodeAt(0) === 123 /* { */ ? -1 : line.indexOf('\t');
    const d = JSON.parse(tab === -1 ? line : line.slice(tab + 1)) as Deferred;
    if (tab !== -1) d.rec.attrs.device = this.deviceTable[Number(line.slice(0, tab))];
    return d;
  }

  dispose(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
    this.fd = undefined;
    this.dir = undefined;
  }
}
