// Observation/$stats, GET and POST: average, extremes, count, sum, median, percentiles... of a subject's quantity
// values per code (and per component code of panels), over a period or the last hours, optionally per UTC day
// (FibroTrack's bucket=day), computed by the database over the search index. https://hl7.org/fhir/R4/observation-operation-stats.html
import type { Observation, Parameters, ParametersParameter } from 'fhir/r4.js';
import { parseSearch } from '../../../search/parse-search.js';
import type { StatsGroup } from '../../../store/repository.js';
import type { FhirContext } from '../../fhir-context.js';
import type { FhirRequest, FhirResponse } from '../../fhir-request.js';
import { emptyGroup, statisticsObservation } from './stats-observations.js';
import { percentilesOf, readStatsParams, type StatsParams } from './stats-params.js';

export const STATS_DEFINITION = 'https://fhir.fibrotrack.org/OperationDefinition/Observation-stats';

export async function stats(req: FhirRequest, ctx: FhirContext): Promise<FhirResponse> {
  const params = readStatsParams(req, ctx, Date.now());
  const groups = await ctx.repo.stats({
    request: parseSearch('Observation', params.search, ctx.defs),
    subject: params.subject,
    codes: params.codes,
    percentiles: percentilesOf(params.statistics),
    totalCount: params.statistics.includes('total-count'),
    bucket: params.bucket,
    extent: !params.period,
    ...(params.wholeDays ? { wholeDays: params.wholeDays } : {}),
  });
  const parameter: ParametersParameter[] = answered(groups, params).map((g) => ({
    name: 'statistics',
    resource: statisticsObservation(g, params),
  }));
  if (params.include) {
    const page = await ctx.repo.search({ ...parseSearch('Observation', params.sourceSearch, ctx.defs), total: 'none' });
    parameter.push(...page.items.map((resource) => ({ name: 'source', resource: resource as Observation })));
  }
  const resource: Parameters = { resourceType: 'Parameters', parameter };
  return { status: 200, resource };
}

/**
 * Groups by code, unit and day. When nothing matched (and no buckets were asked), each asked code is answered with no
 * values, so that the answer says so (statistics is 1..*); a panel's code is answered by its measurements' codes.
 */
function answered(groups: StatsGroup[], params: StatsParams): StatsGroup[] {
  const filled = groups.length === 0 && !params.bucket ? params.codes.map(emptyGroup) : groups;
  const key = (g: StatsGroup) => [g.system ?? '', g.code, g.day ?? '', g.unitSystem ?? '', g.unit ?? ''].join('\u0000');
  return [...filled].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}
