// Failures of an import as OperationOutcomes that name the file and the position in it (issue.location).
import { OutcomeError, issue, outcome } from '../../core/outcomes.js';
import { InputTooLargeError, MappingError } from '../../../../mappings/src/index.js';

/** 400 for input that is not the format it claims (JSON syntax), 422 for records that cannot be mapped or stored. */
export function inputFailure(status: 400 | 422, fileName: string, position: string | undefined, message: string): OutcomeError {
  const where = position ? `${fileName} ${position}` : fileName;
  return located(status, where, `${where}: ${message}`);
}

/** A MappingError's message already starts with its file and position; one past a size limit is 413. */
export function mappingFailure(err: MappingError, fileName: string): OutcomeError {
  const where = [err.fileName ?? fileName, err.position].filter(Boolean).join(' ');
  return located(err instanceof InputTooLargeError ? 413 : 422, where, err.fileName ? err.message : `${fileName}: ${err.message}`);
}

function located(status: number, where: string, diagnostics: string): OutcomeError {
  const code = status === 400 ? 'structure' : status === 413 ? 'too-costly' : 'processing';
  return new OutcomeError(status, outcome({ ...issue({ code, diagnostics }), location: [where] }));
}

export const isMappingError = (err: unknown): err is MappingError => err instanceof MappingError;
