// TerminologyError (a value set or code system this server cannot expand or answer for) as the operation's outcome.
import { notSupported, overLimit } from '../../../core/outcomes.js';
import { TerminologyError } from '../../../terminology/expand-value-set.js';
import { ExpansionTooCostly } from '../../../terminology/expansion.js';

/** Runs `work`; an expansion over the bound is 400 too-costly, any other TerminologyError 400 not-supported. */
export async function answering<T>(operation: string, work: () => T | Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof ExpansionTooCostly) throw overLimit(`${operation}: ${err.message}`, 'count');
    if (err instanceof TerminologyError) throw notSupported(`${operation}: ${err.message}`);
    throw err;
  }
}
