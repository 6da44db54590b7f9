// POST [base]/$reindex and POST [base]/[type]/$reindex: rebuild the search index rows of every resource of the
// type(s) as asynchronous jobs, one per type, like HAPI's https://hapifhir.io/hapi-fhir/docs/server_jpa/search.html#reindexing
// (async pattern: https://hl7.org/fhir/R4/async.html). Creating, changing or deleting a SearchParameter starts the
// same jobs by itself; this operation is for repairs (a failed job) and for rows built by an older server.
// GET [base]/$reindex/[job]: the job's state and progress.
import type { Parameters, ParametersParameter } from 'fhir/r4.js';
import { badRequest, notSupported, OutcomeError, issue, outcome } from '../../../core/outcomes.js';
import type { ReindexJob } from '../../../store/mysql/reindex-store.js';
import type { FhirContext } from '../../fhir-context.js';
import type { FhirRequest, FhirResponse } from '../../fhir-request.js';

function service(ctx: FhirContext) {
  if (!ctx.searchParams) throw notSupported('$reindex needs the MySQL store');
  return ctx.searchParams;
}

/** The `type` parameters of a Parameters body (valueCode or valueString), or of the query. */
function requestedTypes(req: FhirRequest, ctx: FhirContext): string[] {
  const body = req.body as Parameters | undefined;
  if (body !== undefined && (typeof body !== 'object' || body === null || body.resourceType !== 'Parameters')) {
    throw badRequest('The body of $reindex must be a Parameters resource (or empty)');
  }
  const types = [
    ...req.query.getAll('type').flatMap((t) => t.split(',')),
    ...(body?.parameter ?? []).map((p) => {
      if (p.name !== 'type') throw badRequest(`$reindex takes only 'type' parameters, not '${p.name}'`, `Parameters.parameter.name`);
      return p.valueCode ?? p.valueString ?? '';
    }),
  ];
  for (const t of types) if (!ctx.defs.isResourceType(t)) throw badRequest(`$reindex: '${t}' is not a resource type`, 'type');
  return [...new Set(types)];
}

export async function reindex(req: FhirRequest, type: string, ctx: FhirContext): Promise<FhirResponse> {
  const types = type ? [type] : requestedTypes(req, ctx);
  if (type && req.body !== undefined && (req.body as Parameters).parameter?.length)
    throw badRequest(`${type}/$reindex takes no parameters: the type is in the URL`);
  const jobs = await service(ctx).reindex(types, `$reindex${type ? ` of ${type}` : ''}`);
  const parameter: ParametersParameter[] = jobs.map((j) => ({
    name: 'job',
    part: [
      { name: 'type', valueCode: j.type },
      { name: 'id', valueString: j.id },
      { name: 'status', valueUri: `${ctx.baseUrl}/$reindex/${j.id}` },
    ],
  }));
  const headers: Record<string, string> = jobs.length === 1 ? { 'Content-Location': `${ctx.baseUrl}/$reindex/${jobs[0].id}` } : {};
  const body: Parameters = { resourceType: 'Parameters', parameter };
  return { status: 202, headers, resource: body };
}

export async function reindexStatus(req: FhirRequest, ctx: FhirContext): Promise<FhirResponse> {
  const id = req.path.split('/')[1] ?? '';
  const job = /^[0-9a-f-]{36}$/.test(id) ? await service(ctx).job(id) : undefined;
  if (!job) throw new OutcomeError('not-found', outcome(issue({ code: 'not-found', diagnostics: `There is no reindex job '${id}'` })));
  return { status: 200, resource: jobParameters(job) };
}

function jobParameters(job: ReindexJob): Parameters {
  const parameter: ParametersParameter[] = [
    { name: 'id', valueString: job.id },
    { name: 'type', valueCode: job.type },
    { name: 'state', valueCode: job.state },
    { name: 'reason', valueString: job.reason },
    { name: 'total', valueInteger: job.total },
    { name: 'processed', valueInteger: job.processed },
    { name: 'created', valueInstant: job.createdAt.toISOString() },
  ];
  if (job.finishedAt) parameter.push({ name: 'finished', valueInstant: job.finishedAt.toISOString() });
  if (job.error) parameter.push({ name: 'error', valueString: job.error });
  return { resourceType: 'Parameters', parameter };
}
