// The time range the clinician looks at (30 days, 90 days, 1 year, all) and the window it stands for. Pure.

export type RangeKey = '30d' | '90d' | '1y' | 'all';

export interface RangeChoice {
  key: RangeKey;
  label: string;
  /** Days back from now; absent for "all" (the window starts at the oldest record shown). */
  days?: number;
}

export const RANGES: RangeChoice[] = [
  { key: '30d', label: '30 days', days: 30 },
  { key: '90d', label: '90 days', days: 90 },
  { key: '1y', label: '1 year', days: 365 },
  { key: 'all', label: 'All', days: undefined },
];

export const DEFAULT_RANGE: RangeKey = '90d';
export const DAY_MS = 24 * 60 * 60 * 1000;

/** The range named in the page's `#range=` fragment (so a reload keeps it), else the default. */
export function parseRange(hash: string): RangeKey {
  const value = new URLSearchParams(hash.replace(/^#/, '')).get('range');
  return RANGES.find((r) => r.key === value)?.key ?? DEFAULT_RANGE;
}

export function rangeChoice(key: RangeKey): RangeChoice {
  return RANGES.find((r) => r.key === key)!;
}

/** The first instant of the range, or undefined for "all". */
export function rangeStart(key: RangeKey, now: Date): Date | undefined {
  const days = rangeChoice(key).days;
  return days === undefined ? undefined : new Date(now.getTime() - days * DAY_MS);
}

/** "the last 90 days", "the last year", "all time": for headings and empty-state sentences. */
export function rangePhrase(key: RangeKey): string {
  if (key === 'all') return 'all time';
  if (key === '1y') return 'the last year';
  return `the last ${rangeChoice(key).days} days`;
}
