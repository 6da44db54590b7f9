// Prefer: return=minimal | representation | OperationOutcome for writes. https://hl7.org/fhir/R4/http.html#ops
import type { Resource } from 'fhir/r4.js';
import { allOk } from '../core/outcomes.js';

export type ReturnPreference = 'minimal' | 'representation' | 'OperationOutcome';

export function returnPreference(prefer: string | undefined, fallback: ReturnPreference): ReturnPreference {
  const m = /return\s*=\s*"?(minimal|representation|OperationOutcome)"?/.exec(prefer ?? '');
  return m ? (m[1] as ReturnPreference) : fallback;
}

/** The body a write answers with under the client's preference. */
export function writeBody(stored: Resource | undefined, preference: ReturnPreference, status: number): Resource | undefined {
  if (preference === 'minimal') return undefined;
  if (preference === 'OperationOutcome') return allOk(status === 201 ? 'Created' : status === 204 ? 'Deleted' : 'Updated');
  return stored;
}
