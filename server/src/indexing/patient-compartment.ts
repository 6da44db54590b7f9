// Which Patient compartments a resource is in, from the official Patient CompartmentDefinition: the Patient ids
// its compartment parameters (Observation: subject, performer) refer to. https://hl7.org/fhir/R4/compartmentdefinition-patient.html
// Token, date and quantity index rows carry this id, so one index range answers "this patient's rows with this value".
import { derivedParams } from '../definitions/derived-params.js';
import type { Definitions } from '../definitions/r4-definitions.js';
import { splitUnion } from '../definitions/search-expression.js';
import { rewriteForIndexing } from './compile-param.js';
import type { ReferenceRow } from './index-rows.js';

/** A resource in no Patient compartment has its index rows under this value. */
export const NO_COMPARTMENT = '';

/** The compartment parameters of `type`, as the search side matches them (`{def}` is not a reference). */
export function patientCompartmentParams(defs: Definitions, type: string): readonly string[] {
  return defs.compartmentParams('Patient', type).filter((p) => p !== '{def}');
}

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

/** What the search side needs to know to scope index rows by compartment (see search/compartment-hint.ts). */
export interface PatientCompartmentInfo {
  /** The official compartment parameters of `type` (no `{def}`). */
  params(type: string): readonly string[];
  /** Every reference `code` indexes on `type` is also indexed by a compartment parameter (patient: subject). */
  implies(type: string, code: string): boolean;
  /** `code` on `type` only indexes references to a Patient (`.where(resolve() is Patient)` on every part). */
  patientOnly(type: string, code: string): boolean;
}

interface Part { path: string; targets: string[] }

export function patientCompartmentInfo(defs: Definitions): PatientCompartmentInfo {
  const partsOf = (type: string, code: string): Part[] | undefined => {
    const def = defs.searchParams(type).get(code);
    if (!def?.expression || def.type !== 'reference') return undefined;
    return splitUnion(def.expression).map((p) => {
      const { expression, targetTypes } = rewriteForIndexing(p);
      return { path: expression, targets: targetTypes };
    });
  };
  const memo = new Map<string, boolean>();
  const cached = (key: string, f: () => boolean) => {
    let v = memo.get(key);
    if (v === undefined) memo.set(key, (v = f()));
    return v;
  };
  return {
    params: (type) => patientCompartmentParams(defs, type),
    implies: (type, code) => cached(`i ${type} ${code}`, () => {
      const own = partsOf(type, code);
      // Parts of compartment parameters that keep references to Patients.
      const member = patientCompartmentParams(defs, type).flatMap((p) => partsOf(type, p) ?? [])
        .filter((p) => p.targets.length === 0 || p.targets.includes('Patient')).map((p) => p.path);
      return own !== undefined && own.length > 0 && own.every((p) => member.includes(p.path));
    }),
    patientOnly: (type, code) => cached(`p ${type} ${code}`, () => {
      const own = partsOf(type, code);
      return own !== undefined && own.length > 0 && own.every((p) => p.targets.length === 1 && p.targets[0] === 'Patient');
    }),
  };
}
