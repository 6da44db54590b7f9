// The Patient compartment(s) every match of a search must be in, when the search says so: a compartment search
// (`Patient/1/Observation`), `patient=1` or `subject=Patient/1`, or a chain through `subject:Patient`. Token, date
// and quantity rows carry their resource's compartment, so such criteria read one index range per patient.
// https://hl7.org/fhir/R4/compartmentdefinition.html
import type { PatientCompartmentInfo } from '../../../fhir-values/patient-compartment.js';
import { sql, type Sql } from '../../sql.js';
import type { ParamCriterion, SearchCriterion, SearchRequest } from '../../../search/search-request.js';
import { fromResourceRow } from '../../../fhir-values/resource-row-params.js';

export interface CompartmentHint {
  /** `column IN (the compartment ids)`. */
  restrict(column: Sql): Sql;
  /** The hint comes from request.compartment itself, which the restricted rows then already prove. */
  fromScope: boolean;
  /** The compartment ids, when the request names them (not through a chain). */
  ids?: readonly string[];
}

/** Modifiers whose criterion is not "some row of the resource matches", which a compartment restriction would change. */
const NEGATIVE = new Set(['not', 'missing', 'not-in']);
/** Full-text rows (idx_text) carry no compartment. */
const UNHINTED_MODIFIERS = new Set(['text']);
const HINTED_TYPES = new Set(['token', 'date', 'quantity']);

export function takesHint(c: SearchCriterion): c is ParamCriterion {
  return (
    c.kind === 'param' &&
    HINTED_TYPES.has(c.def.type) &&
    !NEGATIVE.has(c.modifier ?? '') &&
    !UNHINTED_MODIFIERS.has(c.modifier ?? '') &&
    !fromResourceRow(c.def.code)
  );
}

/**
 * `chainIds(c)` gives the SQL of the Patient ids a chain's target criterion selects (built by where.ts, which
 * owns criterion SQL). Returns undefined when nothing in the request pins the compartment.
 */
export function compartmentHint(
  request: SearchRequest,
  info: PatientCompartmentInfo,
  baseUrl: string,
  chainIds: (c: Extract<SearchCriterion, { kind: 'chain' }>) => Sql,
): CompartmentHint | undefined {
  const { type, compartment: scope } = request;
  if (scope && scope.type === 'Patient') {
    const official = info.params(type);
    if (scope.params.length > 0 && scope.params.every((p) => official.includes(p))) {
      return { restrict: (col) => sql`${col} = ${scope.id}`, fromScope: true, ids: [scope.id] };
    }
  }
  for (const c of request.criteria) {
    if (c.kind === 'param' && c.def.type === 'reference' && info.implies(type, c.def.code)) {
      const ids = patientIds(c, type, info, baseUrl);
      if (ids)
        return {
          restrict: (col) => sql`${col} IN (${ids.map((id) => sql`${id}`).reduce((a, b) => sql`${a}, ${b}`)})`,
          fromScope: false,
          ids,
        };
    }
    if (c.kind === 'chain' && info.implies(type, c.def.code) && c.targets.every((t) => t.type === 'Patient')) {
      return { restrict: (col) => sql`${col} IN (${chainIds(c)})`, fromScope: false };
    }
  }
  return undefined;
}

/** The Patient ids a reference criterion matches, read as reference-sql reads values; undefined if any may be another type. */
function patientIds(c: ParamCriterion, type: string, info: PatientCompartmentInfo, baseUrl: string): string[] | undefined {
  if (c.modifier !== undefined && c.modifier !== 'Patient') return undefined;
  const ids: string[] = [];
  for (const value of c.values) {
    const local = value.startsWith(`${baseUrl}/`) ? value.slice(baseUrl.length + 1) : value;
    if (/^[a-z][a-z0-9+.-]*:/i.test(local)) return undefined;
    const parts = local.split('/');
    if (parts.length >= 2) {
      if (parts[0] !== 'Patient') return undefined;
      ids.push(parts[1]);
    } else if (c.modifier === 'Patient' || info.patientOnly(type, c.def.code)) {
      ids.push(parts[0]);
    } else {
      return undefined;
    }
  }
  return ids.length > 0 ? ids : undefined;
}
