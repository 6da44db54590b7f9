// An operation on Patient/[id] runs only on a patient that exists: 404 when unknown, 410 when deleted.
import { gone, notFound } from '../../core/outcomes.js';
import type { FhirContext } from '../fhir-context.js';

export async function requirePatient(ctx: FhirContext, patientId: string): Promise<void> {
  const patient = await ctx.repo.read('Patient', patientId);
  if (!patient) throw notFound('Patient', patientId);
  if (patient.deleted) throw gone('Patient', patientId, patient.versionId);
}
