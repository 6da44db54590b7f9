// The kick-off request's parameters, from the query (GET) or a Parameters body (POST), checked and turned into an
// ExportSpec. Every mistake is a 400 naming the parameter. https://hl7.org/fhir/uv/bulkdata/export.html#query-parameters
import type { Parameters } from 'fhir/r4.js';
import { badRequest, invalidParameter, unknownParameter } from '../core/outcomes.js';
import type { Definitions } from '../definitions/r4-definitions.js';
import { localReference } from '../core/ids.js';
import { parseSearch } from '../search/parse-search.js';
import type { ExportLevel, ExportSpec } from './export-spec.js';

export const OUTPUT_FORMATS = new Set(['application/fhir+ndjson', 'application/ndjson', 'ndjson']);
const KNOWN = new Set(['_outputFormat', '_since', '_type', '_typeFilter', 'patient', 'includeAssociatedData', '_format', '_pretty']);
/** Search result parameters make no sense in a filter: the export decides paging, order and content. */
const NOT_IN_FILTER = new Set([
  '_include',
  '_revinclude',
  '_sort',
  '_count',
  '_summary',
  '_elements',
  '_total',
  '_contained',
  '_containedType',
]);
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

interface Raw {
  name: string;
  value: string;
  reference?: string;
}

function rawParams(query: URLSearchParams, body: unknown, method: string): Raw[] {
  const out: Raw[] = [...query.entries()].map(([name, value]) => ({ name, value }));
  if (method !== 'POST' || body === undefined) return out;
  const params = body as Parameters;
  if (typeof params !== 'object' || params === null || params.resourceType !== 'Parameters') {
    throw badRequest('The body of a POST $export must be a Parameters resource');
  }
  for (const p of params.parameter ?? []) {
    const value = p.valueString ?? p.valueCode ?? p.valueInstant ?? p.valueDateTime ?? p.valueUri ?? '';
    out.push({ name: p.name, value, ...(p.valueReference ? { reference: p.valueReference.reference ?? '' } : {}) });
  }
  return out;
}

export function parseExportParams(
  level: ExportLevel,
  query: URLSearchParams,
  body: unknown,
  method: string,
  defs: Definitions,
): Omit<ExportSpec, 'level' | 'groupId'> {
  const raw = rawParams(query, body, method);
  for (const p of raw) if (!KNOWN.has(p.name)) throw unknownParameter(`$export does not know the parameter '${p.name}'`, p.name);
  const all = (name: string) => raw.filter((p) => p.name === name);

  for (const f of all('_outputFormat')) {
    if (!OUTPUT_FORMATS.has(f.value))
      throw invalidParameter(`_outputFormat '${f.value}' is not supported: use application/fhir+ndjson`, '_outputFormat');
  }
  const sinces = all('_since');
  if (sinces.length > 1) throw invalidParameter('_since may be given once', '_since');
  const since = sinces[0]?.value;
  if (since !== undefined && (!INSTANT.test(since) || Number.isNaN(Date.parse(since)))) {
    throw invalidParameter(`_since '${since}' is not a FHIR instant (such as 2026-01-31T12:00:00Z)`, '_since');
  }
  // https://hl7.org/fhir/uv/bulkdata/export.html#query-parameters: a value the server does not support is a 400.
  // We offer no associated data (Provenance is exported as any type, when asked for or in scope).
  for (const p of all('includeAssociatedData')) {
    throw invalidParameter(
      `includeAssociatedData '${p.value}' is not supported: this server offers no associated data (ask for Provenance with _type)`,
      'includeAssociatedData',
    );
  }
  const types = [
    ...new Set(
      all('_type')
        .flatMap((p) => p.value.split(','))
        .map((t) => t.trim())
        .filter(Boolean),
    ),
  ];
  for (const t of types) if (!defs.isResourceType(t)) throw invalidParameter(`_type: '${t}' is not a resource type`, '_type');

  const typeFilters: Record<string, string[]> = {};
  for (const { value } of all('_typeFilter').flatMap((p) => p.value.split(/,(?=[A-Z][A-Za-z]+\?)/).map((value) => ({ value })))) {
    const q = value.indexOf('?');
    const type = q < 0 ? value : value.slice(0, q);
    if (q < 0 || !defs.isResourceType(type))
      throw invalidParameter(`_typeFilter '${value}' must be [type]?[search query] with a resource type`, '_typeFilter');
    if (types.length > 0 && !types.includes(type))
      throw invalidParameter(`_typeFilter '${value}' filters ${type}, which _type does not ask for`, '_typeFilter');
    const search = new URLSearchParams(value.slice(q + 1));
    for (const k of search.keys())
      if (NOT_IN_FILTER.has(k)) throw invalidParameter(`_typeFilter '${value}': ${k} cannot be used in an export filter`, '_typeFilter');
    parseSearch(type, search, defs);
    (typeFilters[type] ??= []).push(value.slice(q + 1));
  }

  const patientParams = all('patient');
  if (patientParams.length > 0 && (method !== 'POST' || level === 'system')) {
    throw invalidParameter('patient is taken only in the Parameters body of POST Patient/$export or Group/[id]/$export', 'patient');
  }
  const patients = patientParams.map((p) => {
    const ref = p.reference ?? '';
    const target = localReference(ref);
    if (target?.type !== 'Patient')
      throw invalidParameter(`patient must be a valueReference to Patient/[id], got '${ref || p.value}'`, 'patient');
    return target.id;
  });
  return {
    types,
    ...(since ? { since: new Date(since).toISOString() } : {}),
    typeFilters,
    ...(patients.length > 0 ? { patients: [...new Set(patients)] } : {}),
  };
}
