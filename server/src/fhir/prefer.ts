// Prefer: return=minimal | representation | OperationOutcome for writes. https://hl7.org/fhir/R4/http.html#ops
import type { OperationOutcome, OperationOutcomeIssue, Resource } from 'fhir/r4.js';
import { allOk } from '../core/outcomes.js';

export type ReturnPreference = 'minimal' | 'representation' | 'OperationOutcome';

export function returnPreference(prefer: string | undefined, fallback: ReturnPreference): ReturnPreference {
  const m = /return\s*=\s*"?(minimal|representation|OperationOutcome)"?/.exec(prefer ?? '');
  return m ? (m[1] as ReturnPreference) : fallback;
}

/** The body a write answers with under the client's preference; `issues`: those a lenient write was stored despite. */
export function writeBody(
  stored: Resource | undefined,
  preference: ReturnPreference,
  status: number,
  issues: OperationOutcomeIssue[] = [],
): Resource | undefined {
  if (preference === 'minimal') return undefined;
  if (preference === 'OperationOutcome') {
    const ok = allOk(status === 201 ? 'Created' : status === 204 ? 'Deleted' : 'Updated');
    const body: OperationOutcome = { ...ok, issue: [...ok.issue, ...issues] };
    return body;
  }
  return stored;
}
