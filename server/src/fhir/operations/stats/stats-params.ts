// The in-parameters of Observation/$stats from the query (GET) or a Parameters body (POST), checked, and the search
// that selects the Observations they ask about (subject, date). FibroTrack adds `bucket=day`.
// https://hl7.org/fhir/R4/observation-operation-stats.html
import type { Coding } from 'fhir/r4.js';
import { badRequest, invalidParameter } from '../../../core/outcomes.js';
import { parseDateRange } from '../../../fhir-values/date-range.js';
import { wholeDaysOf } from '../../../fhir-values/whole-days.js';
import {
  PERCENTILES_OF,
  STATISTIC_ALIASES,
  STATISTICS,
  UNSUPPORTED_STATISTICS,
  type Statistic,
} from '../../../fhir-values/observation-statistics.js';
import { MAX_COUNT } from '../../../search/search-request.js';
import type { FhirContext } from '../../fhir-context.js';
import type { FhirRequest } from '../../fhir-request.js';
import { readOperationInput, type OperationParams } from '../terminology/operation-input.js';

export const DEFAULT_LIMIT = 100;
const HOUR_MS = 3_600_000;

export interface StatsParams {
  /** `Type/id`: a reference on this server. */
  subject: string;
  codes: { system?: string; code: string }[];
  statistics: Statistic[];
  /** The period the answers cover, as asked (from `period`, or now minus `duration` hours to now). */
  period?: { start?: string; end?: string };
  /** The whole UTC days inside a period with both ends (fhir-values/whole-days.ts). */
  wholeDays?: { from: string; to: string };
  include: boolean;
  limit: number;
  bucket?: 'day';
  /** The search that selects the Observations by subject and date (the SQL picks the codes' values from their rows). */
  search: URLSearchParams;
  /** The same with the codes (combo-code), for the source Observations. */
  sourceSearch: URLSearchParams;
}

const PARAMS: OperationParams = {
  operation: '$stats',
  accepted: {
    subject: 'uri',
    code: 'string',
    system: 'uri',
    coding: 'Coding',
    duration: 'decimal',
    period: 'Period',
    statistic: 'code',
    include: 'boolean',
    limit: 'integer',
    bucket: 'code',
  },
  repeating: ['code', 'coding', 'statistic'],
};

export function readStatsParams(req: FhirRequest, ctx: FhirContext, now: number): StatsParams {
  const input = readOperationInput(req, PARAMS);
  const subject = subjectOf(input.string('subject'), ctx);
  const system = input.string('system');
  const codes = [
    ...input.strings('code').map((code) => ({ ...(system ? { system } : {}), code })),
    ...input.codings('coding').map(codingOf),
  ];
  if (codes.length === 0) throw badRequest('$stats needs the codes to aggregate: code (with system) or coding', 'code');
  if (system && input.strings('code').length === 0)
    throw badRequest('$stats: system is the system of the code parameters; give code too', 'system');
  const statistics = statisticsOf(input.strings('statistic'));
  const period = periodOf(input.period('period'), input.decimal('duration'), now);
  const limit = input.integer('limit') ?? DEFAULT_LIMIT;
  if (limit < 1 || limit > MAX_COUNT)
    throw invalidParameter(`$stats: limit must be a whole number from 1 to ${MAX_COUNT}; got ${limit}`, 'limit');
  const bucket = input.string('bucket');
  if (bucket !== undefined && bucket !== 'day')
    throw invalidParameter(`$stats: bucket takes 'day'; got '${bucket.slice(0, 40)}'`, 'bucket');
  const search = new URLSearchParams({ subject });
  if (period?.start) search.append('date', `ge${period.start}`);
  if (period?.end) search.append('date', `le${period.end}`);
  const sourceSearch = new URLSearchParams([
    ...search,
    ['combo-code', codes.map(tokenValue).join(',')],
    ['_count', String(limit)],
    ['_sort', '-date'],
  ]);
  const wholeDays = wholeDaysOfPeriod(period);
  return {
    subject,
    codes,
    statistics,
    period,
    ...(wholeDays ? { wholeDays } : {}),
    include: input.boolean('include') ?? false,
    limit,
    bucket,
    search,
    sourceSearch,
  };
}

/** `Patient/123` or our own absolute URL of it; another server's Observations are not ours to aggregate. */
function subjectOf(value: string | undefined, ctx: FhirContext): string {
  if (value === undefined) throw badRequest('$stats needs a subject (Patient/123)', 'subject');
  const local = value.startsWith(`${ctx.baseUrl}/`) ? value.slice(ctx.baseUrl.length + 1) : value;
  const m = /^([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})$/.exec(local);
  if (!m || !ctx.defs.isResourceType(m[1])) {
    throw invalidParameter(
      `$stats: subject must be a reference to a resource on this server, such as Patient/123; got '${value.slice(0, 100)}'`,
      'subject',
    );
  }
  return local;
}

function codingOf(c: Coding): { system?: string; code: string } {
  if (!c.code) throw invalidParameter('$stats: a coding needs a code', 'coding');
  return { ...(c.system ? { system: c.system } : {}), code: c.code };
}

/** A token search value: `system|code`, or the code in any system; `\`, `,`, `|` and `$` escaped. */
function tokenValue(c: { system?: string; code: string }): string {
  const escape = (s: string) => s.replace(/[\\,|$]/g, (ch) => `\\${ch}`);
  return c.system === undefined ? escape(c.code) : `${escape(c.system)}|${escape(c.code)}`;
}

/** Each value may list several codes separated by commas; max and min as the OperationDefinition names them. */
function statisticsOf(values: string[]): Statistic[] {
  const asked = values.flatMap((v) => v.split(',')).map((v) => v.trim());
  if (asked.length === 0) throw badRequest(`$stats needs at least one statistic (${Object.keys(STATISTICS).join(', ')})`, 'statistic');
  const refused = asked.filter((s) => (UNSUPPORTED_STATISTICS as readonly string[]).includes(s));
  if (refused.length > 0) {
    throw invalidParameter(
      `$stats: statistic ${refused.join(', ')} is not supported by this server; it computes ${Object.keys(STATISTICS).join(', ')}`,
      'statistic',
    );
  }
  const unknown = asked.filter((s) => !(s in STATISTICS) && !(s in STATISTIC_ALIASES));
  if (unknown.length > 0) {
    throw invalidParameter(
      `$stats: unknown statistic ${unknown.map((s) => `'${s.slice(0, 40)}'`).join(', ')}; the codes are those of http://terminology.hl7.org/CodeSystem/observation-statistics`,
      'statistic',
    );
  }
  return [...new Set(asked.map((s) => STATISTIC_ALIASES[s] ?? (s as Statistic)))];
}

/** The percentiles (whole percents) the statistics need. */
export function percentilesOf(statistics: readonly Statistic[]): number[] {
  return [...new Set(statistics.flatMap((s) => PERCENTILES_OF[s] ?? []))].sort((a, b) => a - b);
}

/** From the start of the period's start to the end of its end, as the date criteria ge/le read them. */
function wholeDaysOfPeriod(period: StatsParams['period']): StatsParams['wholeDays'] {
  const start = period?.start === undefined ? undefined : parseDateRange(period.start);
  const end = period?.end === undefined ? undefined : parseDateRange(period.end);
  return start && end ? wholeDaysOf(start.start, end.end) : undefined;
}

function periodOf(period: { start?: string; end?: string } | undefined, duration: number | undefined, now: number): StatsParams['period'] {
  if (period && duration !== undefined) throw badRequest('$stats takes a duration or a period, not both', 'period');
  if (duration !== undefined) {
    if (!(duration > 0) || duration * HOUR_MS > now)
      throw invalidParameter(`$stats: duration is a positive number of hours; got ${duration}`, 'duration');
    return { start: new Date(now - duration * HOUR_MS).toISOString(), end: new Date(now).toISOString() };
  }
  if (!period) return undefined;
  const ranges = (['start', 'end'] as const).map((edge) => {
    const value = period[edge];
    if (value === undefined) return undefined;
    const range = parseDateRange(value);
    if (!range) throw invalidParameter(`$stats: period.${edge} must be a FHIR date or dateTime; got '${value.slice(0, 40)}'`, 'period');
    return range;
  });
  if (ranges[0] && ranges[1] && ranges[0].start > ranges[1].end)
    throw invalidParameter('$stats: period.start is after period.end', 'period');
  return period;
}
