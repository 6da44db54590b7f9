// Bulk Data kick-off: GET|POST [base]/$export, [base]/Patient/$export, [base]/Group/[id]/$export.
// https://hl7.org/fhir/uv/bulkdata/export.html#bulk-data-kick-off-request
import { allOk, badRequest, notFound } from '../core/outcomes.js';
import type { FhirContext } from '../fhir/fhir-context.js';
import type { FhirRequest, FhirResponse } from '../fhir/fhir-request.js';
import { parseExportParams } from './export-params.js';
import type { ExportService } from './export-service.js';
import type { ExportLevel, ExportSpec } from './export-spec.js';
import { confineToGroup } from './group-members.js';
import { checkTypeFilters } from './type-filter.js';

export async function exportKickOff(
  req: FhirRequest,
  level: ExportLevel,
  groupId: string,
  ctx: FhirContext,
  bulk: ExportService,
): Promise<FhirResponse> {
  const prefer = (req.headers.prefer ?? '').split(/[,;]/).map((p) => p.trim().toLowerCase());
  if (!prefer.includes('respond-async')) throw badRequest('$export runs asynchronously: send the header Prefer: respond-async', 'Prefer');
  const params = parseExportParams(level, req.query, req.body, req.method, ctx.defs);
  bulk.checkTypes(params.types, req.access);
  await checkTypeFilters(params.typeFilters, ctx.defs, ctx.terminology);
  let spec: ExportSpec | undefined = { level, ...params };
  if (level === 'group') spec = await confineToGroup(spec, groupId, ctx.repo);
  if (!spec) throw notFound('Group', groupId);
  const query = req.query.toString();
  const requestUrl = `${ctx.baseUrl}/${req.path}${query ? `?${query}` : ''}`;
  const id = await bulk.kickOff(requestUrl, spec, req.access);
  return {
    status: 202,
    headers: { 'Content-Location': `${ctx.baseUrl}/$export/${id}` },
    resource: allOk(`Export ${id} started; poll its status at ${ctx.baseUrl}/$export/${id}`),
  };
}
