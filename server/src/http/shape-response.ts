// Applies _summary and _elements to a read or a searchset. https://hl7.org/fhir/R4/search.html#summary
import type { Bundle, FhirResource, Resource } from 'fhir/r4.js';
import type { Definitions } from '../definitions/r4-definitions.js';
import { applyElements } from '../fhir/shaping/elements.js';
import { parseShaping } from '../fhir/shaping/parse-shaping.js';
import { applySummary } from '../fhir/shaping/summary.js';

export function shapeResponse(body: Resource, query: URLSearchParams, defs: Definitions): Resource {
  const { summary, elements } = parseShaping(Object.fromEntries([...query.keys()].map((k) => [k, query.getAll(k)])));
  if (summary === undefined && elements === undefined) return body;
  const isSearch = body.resourceType === 'Bundle' && (body as Bundle).type === 'searchset';
  const shapeOne = (r: Resource): Resource => {
    // _summary=count on a read has nothing to count: applySummary refuses it with 400.
    if (summary !== undefined && (summary !== 'count' || !isSearch)) return applySummary(r, summary, defs);
    if (elements !== undefined) return applyElements(r, elements, defs);
    return r;
  };
  if (!isSearch) return shapeOne(body);
  const bundle = body as Bundle;
  // A count keeps only the OperationOutcome of ignored parameters, if any.
  if (summary === 'count') {
    const outcomes = bundle.entry?.filter((e) => e.search?.mode === 'outcome') ?? [];
    return { ...bundle, entry: outcomes.length > 0 ? outcomes : undefined } as Bundle;
  }
  const shaped: Bundle = {
    ...bundle,
    entry: bundle.entry?.map((e) =>
      e.search?.mode === 'outcome' || !e.resource ? e : { ...e, resource: shapeOne(e.resource) as FhirResource },
    ),
  };
  return shaped;
}
