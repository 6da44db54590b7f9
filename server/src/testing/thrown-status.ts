// Test support: the HTTP status of the OutcomeError a call throws (0 when it does not throw, -1 for any other error).
import { OutcomeError } from '../core/outcomes.js';

export function thrownStatus(fn: () => unknown): number {
  try {
    fn();
  } catch (err) {
    return err instanceof OutcomeError ? err.status : -1;
  }
  return 0;
}
