// What stops a resource from being written, in one line, found before anything is stored: the checks of
// validateWrite (R4 structure, then the FibroTrack profiles), for a batch at a time. The wearable import runs them
// over a whole upload first (stage-import.ts), in this thread or in a validation thread (wearables/validation-thread).
// https://hl7.org/fhir/R4/validation.html
import type { OperationOutcomeIssue, Resource } from 'fhir/r4.js';
import { OutcomeError } from '../core/outcomes.js';
import { settle } from '../core/settle.js';
import type { FhirContext } from './fhir-context.js';
import { validateWrite } from './validate-write.js';

export type WriteValidators = Pick<FhirContext, 'validate' | 'profiles'>;

export interface WriteChecks {
  /** Each resource's problem, or undefined when a write would accept it; in the order given. */
  problems(resources: readonly Resource[]): Promise<(string | undefined)[]>;
  close(): Promise<void>;
}

/** The issues a write would be refused with, as one line; undefined when it would be accepted. */
export function writeProblem(validators: WriteValidators, resource: Resource): string | undefined {
  try {
    validateWrite(resource, resource.resourceType, validators);
    return undefined;
  } catch (err) {
    if (!(err instanceof OutcomeError)) throw err;
    return err.outcome.issue.map(describe).join('; ');
  }
}

/** The checks run in the calling thread. */
export function inlineWriteChecks(validators: WriteValidators): WriteChecks {
  return {
    problems: (resources) => settle(() => resources.map((r) => writeProblem(validators, r))),
    close: () => Promise.resolve(),
  };
}

const describe = (i: OperationOutcomeIssue) => `${i.expression?.length ? `${i.expression.join(', ')}: ` : ''}${i.diagnostics ?? i.code}`;
