// Which Patient compartments a resource is in: the Patient ids its compartment parameters refer to (by the official
// Patient CompartmentDefinition, fhir-values/patient-compartment.ts). Token, date and quantity index rows carry
// this id, so one index range answers "this patient's rows with this value".
// https://hl7.org/fhir/R4/compartmentdefinition-patient.html
import { derivedParams } from '../definitions/derived-params.js';
import type { Definitions } from '../definitions/r4-definitions.js';
import { patientCompartmentParams } from '../fhir-values/patient-compartment.js';
import type { ReferenceRow } from './index-rows.js';

/**
 * Returns, for a type and its reference rows, the distinct Patient ids (matching compartment search: by type and id).
 * The rows may be stored rows only: a derived compartment parameter (Condition `patient`) counts through the rows
 * it is made of (`subject`, to a Patient).
 */
export function patientCompartments(defs: Definitions): (type: string, references: readonly ReferenceRow[]) => string[] {
  const byType = new Map<string, ReadonlySet<string>>();
  const derived = derivedParams(defs);
  return (type, references) => {
    let params = byType.get(type);
    if (!params) {
      const own = patientCompartmentParams(defs, type);
      byType.set(type, (params = new Set([...own, ...own.flatMap((p) => derived(type, p)?.from ?? [])])));
    }
    if (params.size === 0) return [];
    const ids: string[] = [];
    for (const r of references) {
      if (r.targetType === 'Patient' && r.targetId !== null && params.has(r.param) && !ids.includes(r.targetId)) ids.push(r.targetId);
    }
    return ids;
  };
}
