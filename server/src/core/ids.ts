// Logical ids and versions. https://hl7.org/fhir/R4/datatypes.html#id
import { randomUUID } from 'node:crypto';

const ID_PATTERN = /^[A-Za-z0-9\-.]{1,64}$/;

export function isValidId(id: string): boolean {
  return ID_PATTERN.test(id);
}

/** The id in a `Patient/[id]` reference (a fhirUser, say), or undefined for anything else. */
export function patientIdOf(reference: string | undefined): string | undefined {
  const id = reference?.startsWith('Patient/') ? reference.slice('Patient/'.length) : undefined;
  return id !== undefined && isValidId(id) ? id : undefined;
}

export function newId(): string {
  return randomUUID();
}

const LOCAL_REFERENCE = /^([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})$/;

/** The type and id of a relative literal reference `Type/id` (https://hl7.org/fhir/R4/references.html#literal), or undefined. */
export function localReference(reference: string | undefined): { type: string; id: string } | undefined {
  const m = LOCAL_REFERENCE.exec(reference ?? '');
  return m ? { type: m[1], id: m[2] } : undefined;
}
