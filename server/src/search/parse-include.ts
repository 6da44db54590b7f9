// _include / _revinclude values: SourceType:param[:TargetType], SourceType:*, or * (every reference of the matches,
// every resource referring to them). https://hl7.org/fhir/R4/search.html#include
import { invalidParameter } from '../core/outcomes.js';
import type { Definitions } from '../definitions/r4-definitions.js';
import type { IncludeSpec } from './search-request.js';

export function parseInclude(value: string, iterate: boolean, name: string, defs: Definitions): IncludeSpec {
  if (value === '*') return { sourceType: '*', param: '*', iterate };
  const [sourceType, param, targetType, extra] = value.split(':');
  if (extra !== undefined || !sourceType || !param) {
    throw invalidParameter(`${name}='${value}' must look like SourceType:searchParam[:TargetType], SourceType:* or *`, name);
  }
  if (!defs.isResourceType(sourceType)) throw invalidParameter(`${name}: unknown resource type '${sourceType}'`, name);
  if (param !== '*') {
    const def = defs.searchParams(sourceType).get(param);
    if (!def || def.type !== 'reference') throw invalidParameter(`${name}: '${param}' is not a reference parameter of ${sourceType}`, name);
    if (targetType !== undefined && !def.target.includes(targetType)) {
      throw invalidParameter(`${name}: ${sourceType}.${param} cannot refer to a ${targetType}`, name);
    }
  }
  return { sourceType, param, targetType, iterate };
}
