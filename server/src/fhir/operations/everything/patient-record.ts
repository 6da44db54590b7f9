// What a patient's record is for Patient/$everything: the types of the official Patient CompartmentDefinition with
// the parameters that put them there, plus Device (not in the definition; a Device whose `patient` is the patient
// is theirs, as the access policy counts it), each with the date parameter that says when the care happened.
// https://hl7.org/fhir/R4/compartmentdefinition-patient.html
import type { Definitions } from '../../../definitions/r4-definitions.js';
import type { CompartmentMember } from '../../../store/repository.js';

/** Clinical dates where the type's `date` parameter is not it, or it has none (the rest use `date`). */
const CARE_DATES: Record<string, string> = {
  Condition: 'onset-date',
  MedicationRequest: 'authoredon',
  MedicationStatement: 'effective',
  MedicationAdministration: 'effective-time',
  MedicationDispense: 'whenhandedover',
  ServiceRequest: 'authored',
  DeviceRequest: 'event-date',
  Specimen: 'collected',
  Claim: 'created',
  Goal: 'start-date',
};

const cache = new WeakMap<Definitions, { revision: number; members: CompartmentMember[] }>();

export function patientRecord(defs: Definitions): readonly CompartmentMember[] {
  const revision = defs.revision?.() ?? 0;
  const hit = cache.get(defs);
  if (hit && hit.revision === revision) return hit.members;
  const members: CompartmentMember[] = [];
  for (const type of defs.resourceTypes) {
    const params = defs.compartmentParams('Patient', type).filter((p) => p !== '{def}');
    const extra = type === 'Device' && params.length === 0 && defs.searchParams(type).has('patient') ? ['patient'] : [];
    if (params.length + extra.length === 0) continue;
    const care = CARE_DATES[type] ?? 'date';
    const careDate = defs.searchParams(type).get(care)?.type === 'date' ? care : undefined;
    members.push({ type, params: [...params, ...extra], careDate });
  }
  cache.set(defs, { revision, members });
  return members;
}
