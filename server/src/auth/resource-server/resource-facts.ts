// What the access policy needs to know about one resource without asking the database: whose patient
// record it belongs to and whether it satisfies a scope's query constraint. It reads the same index rows
// the search tables hold (the indexer is shared), so "in the compartment" means here what it means in SQL.
// https://hl7.org/fhir/R4/compartmentdefinition-patient.html
import type { Resource } from 'fhir/r4.js';
import { derivedParams } from '../../definitions/derived-params.js';
import type { Definitions } from '../../definitions/r4-definitions.js';
import type { IndexRows } from '../../indexing/index-rows.js';
import { createResourceIndexer, type ResourceIndexer } from '../../indexing/resource-indexer.js';

export interface ResourceFacts {
  /** Types with Patient compartment membership rules (the official CompartmentDefinition). */
  inCompartmentDefinition(type: string): boolean;
  /** The resource is in Patient/`patient`'s compartment (or, for Patient, is that patient or links to it). */
  inPatientCompartment(resource: Resource, patient: string): boolean;
  /** Ids of every Patient the resource references, through any reference search parameter. */
  referencedPatients(resource: Resource): Set<string>;
  /**
   * The Patients a resource refers to through its Patient compartment parameters (a type outside the
   * CompartmentDefinition: through any reference parameter), its contained resources' included: what the write
   * rule checks. `id` is set for a reference to a Patient on this server; a reference naming a Patient it cannot
   * pin to one here (another server's, an unresolved `Patient?identifier=` one) has `id` undefined.
   */
  patientReferences(resource: Resource): PatientReference[];
  /** The local references the resource makes through the reference search parameter `param`. */
  references(resource: Resource, param: string): { type: string; id: string }[];
  /**
   * Whether the resource satisfies `name=value`: true, false, or undefined when the parameter cannot be
   * checked outside SQL (only token, uri and reference parameters without modifiers can).
   */
  matches(resource: Resource, name: string, value: string): boolean | undefined;
}

export interface PatientReference {
  /** The search parameter it was found through, `contained[i].` prefixed for a contained resource's. */
  param: string;
  /** The local Patient id, or undefined for a Patient reference that is not a local one. */
  id?: string;
  /** The reference as written (for diagnostics). */
  text: string;
}

/** Reference index urls that still name the Patient type: another server's Patient, `Patient?identifier=...`. */
const NAMES_PATIENT = /(^|\/)Patient([/?]|$)/;

export function createResourceFacts(
  defs: Definitions,
  fhirBase: string,
  indexer: ResourceIndexer = createResourceIndexer(defs, fhirBase),
): ResourceFacts {
  // Policy checks look at the same resource several times (before/after a write, each scope): index once.
  const cache = new WeakMap<Resource, IndexRows>();
  const rowsOf = (r: Resource) => {
    let rows = cache.get(r);
    if (!rows) cache.set(r, (rows = indexer.index(r)));
    return rows;
  };
  const patientParams = (type: string) => defs.compartmentParams('Patient', type);
  // A derived compartment parameter (Condition `patient`: `subject` where a Patient) counts through the
  // parameters it is made of too, so a reference its restriction cannot type (`Patient?identifier=x`) is seen.
  const derived = derivedParams(defs);
  const writtenParams = (type: string) => patientParams(type).flatMap((p) => [p, ...(derived(type, p)?.from ?? [])]);

  return {
    inCompartmentDefinition: (type) => type === 'Patient' || patientParams(type).length > 0,
    inPatientCompartment(resource, patient) {
      if (resource.resourceType === 'Patient' && resource.id === patient) return true;
      const params = patientParams(resource.resourceType);
      return rowsOf(resource).reference.some(
        (row) => params.includes(row.param) && row.targetType === 'Patient' && row.targetId === patient,
      );
    },
    referencedPatients(resource) {
      const ids = new Set<string>();
      for (const row of rowsOf(resource).reference) if (row.targetType === 'Patient' && row.targetId) ids.add(row.targetId);
      return ids;
    },
    patientReferences(resource) {
      const own = (r: Resource, prefix: string): PatientReference[] => {
        const params = writtenParams(r.resourceType);
        const out: PatientReference[] = [];
        for (const row of rowsOf(r).reference) {
          if (params.length > 0 && !params.includes(row.param)) continue;
          const param = `${prefix}${row.param}`;
          if (row.targetType === 'Patient' && row.targetId && row.url === null)
            out.push({ param, id: row.targetId, text: `Patient/${row.targetId}` });
          else if (row.url !== null && (row.targetType === 'Patient' || (row.targetType === null && NAMES_PATIENT.test(row.url))))
            out.push({ param, text: row.url });
        }
        return out;
      };
      const contained = (resource as { contained?: Resource[] }).contained ?? [];
      return [
        ...own(resource, ''),
        ...contained.flatMap((c, i) => (c && typeof c.resourceType === 'string' ? own(c, `contained[${i}].`) : [])),
      ];
    },
    references(resource, param) {
      return rowsOf(resource).reference.flatMap((row) =>
        row.param === param && row.targetType && row.targetId ? [{ type: row.targetType, id: row.targetId }] : [],
      );
    },
    matches(resource, name, value) {
      const def = defs.searchParams(resource.resourceType).get(name);
      if (!def) return undefined;
      const rows = rowsOf(resource);
      const values = value.split(',');
      if (def.type === 'token')
        return values.some((v) => rows.token.some((row) => row.param === name && tokenMatches(v, row.system, row.code)));
      if (def.type === 'uri') return values.some((v) => rows.uri.some((row) => row.param === name && row.uri === v));
      if (def.type === 'reference') {
        return values.some((v) => {
          const [t, id] = v.includes('/') ? v.split('/') : [undefined, v];
          return rows.reference.some((row) => row.param === name && row.targetId === id && (t === undefined || row.targetType === t));
        });
      }
      return undefined;
    },
  };
}

/** The token forms of https://hl7.org/fhir/R4/search.html#token, as token-sql compares them. */
function tokenMatches(value: string, system: string | null, code: string | null): boolean {
  const bar = value.indexOf('|');
  if (bar < 0) return code === value;
  const s = value.slice(0, bar);
  const c = value.slice(bar + 1);
  if (s === '') return system === null && code === c;
  if (c === '') return system === s;
  return system === s && code === c;
}
