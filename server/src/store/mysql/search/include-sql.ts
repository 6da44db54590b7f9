// SQL for _include (what the page's resources reference) and _revinclude (what references them).
// https://hl7.org/fhir/R4/search.html#include
import type { Resource } from 'fhir/r4.js';
import type { DerivedParams } from '../../../definitions/derived-params.js';
import { paramMatch } from './param-match.js';
import type { IncludeSpec } from '../../../search/search-request.js';
import { joinSql, sql, type Sql } from '../../sql.js';
import { CURRENT_CONTENT as CONTENT } from '../rows.js';

/** Included resources per query, as the spec lets servers bound them. */
export const MAX_INCLUDED = 1000;

const pairs = (resources: Resource[]) =>
  joinSql(
    resources.map((x) => sql`(${x.resourceType}, ${x.id})`),
    ', ',
  );

export function includeSql(spec: IncludeSpec, from: Resource[], derived: DerivedParams): Sql | undefined {
  const sources = spec.sourceType === '*' ? from : from.filter((x) => x.resourceType === spec.sourceType);
  if (sources.length === 0) return undefined;
  return sql`SELECT r.pk, h.content FROM idx_reference i
    JOIN resource s ON s.pk = i.resource_pk
    JOIN resource r ON r.res_type = i.target_type AND r.res_id = i.target_id ${CONTENT}
    WHERE (s.res_type, s.res_id) IN (${pairs(sources)})
    ${spec.param === '*' ? sql`` : sql`AND ${paramMatch(derived, spec.sourceType, spec.param)}`}
    ${spec.targetType ? sql`AND i.target_type = ${spec.targetType}` : sql``}
    AND r.deleted = 0 LIMIT ${MAX_INCLUDED}`;
}

export function revincludeSql(spec: IncludeSpec, from: Resource[], derived: DerivedParams): Sql | undefined {
  const targets = spec.targetType ? from.filter((x) => x.resourceType === spec.targetType) : from;
  if (targets.length === 0) return undefined;
  return sql`SELECT r.pk, h.content FROM idx_reference i
    JOIN resource r ON r.pk = i.resource_pk ${CONTENT}
    WHERE (i.target_type, i.target_id) IN (${pairs(targets)})
    ${spec.sourceType === '*' ? sql`` : sql`AND i.res_type = ${spec.sourceType}`}
    ${spec.param === '*' ? sql`` : sql`AND ${paramMatch(derived, spec.sourceType, spec.param)}`}
    AND r.deleted = 0 LIMIT ${MAX_INCLUDED}`;
}
