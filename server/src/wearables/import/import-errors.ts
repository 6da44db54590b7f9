// Failures of an import as OperationOutcomes that name the file and the position in it (issue.location).
import { OutcomeError, issue, outcome } from '../../core/outcomes.js';
import { InputTooLargeError, MappingError } from '../../../../mappings/src/index.js';

/** `invalid` (400) for input that is not the format it claims (JSON syntax), `unprocessable` (422) for records that cannot be mapped or stored. */
export function inputFailure(
  failure: 'invalid' | 'unprocessable',
  fileName: string,
  position: string | undefined,
  message: string,
): OutcomeError {
  const where = position ? `${fileName} ${position}` : fileName;
  return located(failure, where, `${where}: ${message}`);
}

/** A MappingError's message already starts with its file and position; one past a size limit is too large (413). */
export function mappingFailure(err: MappingError, fileName: string): OutcomeError {
  const where = [err.fileName ?? fileName, err.position].filter(Boolean).join(' ');
  return located(
    err instanceof InputTooLargeError ? 'too-large' : 'unprocessable',
    where,
    err.fileName ? err.message : `${fileName}: ${err.message}`,
  );
}

const ISSUE_CODE = { invalid: 'structure', 'too-large': 'too-costly', unprocessable: 'processing' } as const;

function located(failure: keyof typeof ISSUE_CODE, where: string, diagnostics: string): OutcomeError {
  return new OutcomeError(failure, outcome({ ...issue({ code: ISSUE_CODE[failure], diagnostics }), location: [where] }));
}

export const isMappingError = (err: unknown): err is MappingError => err instanceof MappingError;
