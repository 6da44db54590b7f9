// Which Patient compartments a resource is in, from the official Patient CompartmentDefinition: the Patient ids
// its compartment parameters (Observation: subject, performer) refer to. https://hl7.org/fhir/R4/compartmentdefinition-patient.html
// The write side (indexing/compartments.ts) and the search side (store/mysql/search/compartment-hint.ts) both read it.
import type { Definitions } from '../definitions/r4-definitions.js';
import { rewriteForIndexing, splitUnion } from '../definitions/search-expression.js';

/** The compartment parameters of `type`, as the search side matches them (`{def}` is not a reference). */
export function patientCompartmentParams(defs: Definitions, type: string): readonly string[] {
  return defs.compartmentParams('Patient', type).filter((p) => p !== '{def}');
}

/** What the search side needs to know to scope index rows by compartment (see store/mysql/search/compartment-hint.ts). */
export interface PatientCompartmentInfo {
  /** The official compartment parameters of `type` (no `{def}`). */
  params(type: string): readonly string[];
  /** Every reference `code` indexes on `type` is also indexed by a compartment parameter (patient: subject). */
  implies(type: string, code: string): boolean;
  /** `code` on `type` only indexes references to a Patient (`.where(resolve() is Patient)` on every part). */
  patientOnly(type: string, code: string): boolean;
}

interface Part {
  path: string;
  targets: string[];
}

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
    implies: (type, code) =>
      cached(`i ${type} ${code}`, () => {
        const own = partsOf(type, code);
        // Parts of compartment parameters that keep references to Patients.
        const member = patientCompartmentParams(defs, type)
          .flatMap((p) => partsOf(type, p) ?? [])
          .filter((p) => p.targets.length === 0 || p.targets.includes('Patient'))
          .map((p) => p.path);
        return own !== undefined && own.length > 0 && own.every((p) => member.includes(p.path));
      }),
    patientOnly: (type, code) =>
      cached(`p ${type} ${code}`, () => {
        const own = partsOf(type, code);
        return own !== undefined && own.length > 0 && own.every((p) => p.targets.length === 1 && p.targets[0] === 'Patient');
      }),
  };
}
