// Logical ids and versions. https://hl7.org/fhir/R4/datatypes.html#id
import { randomUUID } from 'node:crypto';

const ID_PATTERN = /^[A-Za-z0-9\-.]{1,64}$/;

export function isValidId(id: string): boolean {
  return ID_PATTERN.test(id);
}

export function newId(): string {
  return randomUUID();
}
