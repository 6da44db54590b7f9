// history: instance GET [base]/[type]/[id]/_history, type GET [base]/[type]/_history, system GET [base]/_history.
// https://hl7.org/fhir/R4/http.html#history
import { invalidParameter, notFound, unknownParameter } from '../../core/outcomes.js';
import { parseDateRange } from '../../fhir-values/date-range.js';
import { parseCount } from '../../search/parse-search.js';
import { historyBundle, pageLinks } from '../bundles.js';
import type { FhirContext } from '../fhir-context.js';
import type { FhirRequest, FhirResponse } from '../fhir-request.js';

const ALLOWED = new Set(['_since', '_at', '_count', '_cursor', '_format', '_pretty', '_summary', '_elements']);

export async function history(req: FhirRequest, ctx: FhirContext, type?: string, id?: string): Promise<FhirResponse> {
  for (const name of req.query.keys()) {
    if (!ALLOWED.has(name)) throw unknownParameter(`Unknown history parameter '${name}'`, name);
  }
  // An id never stored (or one the caller may not read) has no history: 404, as a read of it answers.
  if (type !== undefined && id !== undefined && !(await ctx.repo.read(type, id))) throw notFound(type, id);
  const page = await ctx.repo.history({
    type,
    id,
    since: instantParam(req.query.get('_since'), '_since', 'start'),
    at: instantParam(req.query.get('_at'), '_at', 'end'),
    count: parseCount(req.query.get('_count')),
    cursor: req.query.get('_cursor') ?? undefined,
  });
  const path = [type, id, '_history'].filter(Boolean).join('/');
  return { status: 200, resource: historyBundle(ctx, page, pageLinks(ctx, path, req.query, page.nextCursor)) };
}

function instantParam(value: string | null, name: string, edge: 'start' | 'end'): Date | undefined {
  if (value === null) return undefined;
  const range = parseDateRange(value);
  if (!range) throw invalidParameter(`${name} must be a FHIR date or instant, got '${value}'`, name);
  return new Date(range[edge]);
}
