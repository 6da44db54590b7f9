// Bulk Data kick-off: GET|POST [base]/$export, [base]/Patient/$export, [base]/Group/[id]/$export.
// https://hl7.org/fhir/uv/bulkdata/export.html#bulk-data-kick-off-request
import type { Group } from 'fhir/r4.js';
import { allOk, badRequest, notFound, notSupported } from '../../../core/outcomes.js';
import { parseExportParams } from '../../../bulk/export-params.js';
import type { ExportLevel, ExportSpec } from '../../../bulk/export-spec.js';
import { groupMembers } from '../../../bulk/group-members.js';
import type { FhirContext } from '../../fhir-context.js';
import type { FhirRequest, FhirResponse } from '../../fhir-request.js';

export async function exportKickOff(req: FhirRequest, level: ExportLevel, groupId: string, ctx: FhirContext): Promise<FhirResponse> {
  if (!ctx.bulk) throw notSupported('$export needs the MySQL store');
  const prefer = (req.headers.prefer ?? '').split(/[,;]/).map((p) => p.trim().toLowerCase());
  if (!prefer.includes('respond-async')) throw badRequest('$export runs asynchronously: send the header Prefer: respond-async', 'Prefer');
  const params = parseExportParams(level, req.query, req.body, req.method, ctx.defs);
  ctx.bulk.checkTypes(params.types, req.access);
  const spec: ExportSpec = { level, ...params };
  if (level === 'group') {
    spec.groupId = groupId;
    // Read through ctx.repo: a Group the token may not read is unknown to it.
    const group = (await ctx.repo.read('Group', groupId))?.resource as Group | undefined;
    if (!group) throw notFound('Group', groupId);
    const members = groupMembers(group);
    spec.patients = params.patients ? params.patients.filter((p) => members.includes(p)) : members;
  }
  const query = req.query.toString();
  const requestUrl = `${ctx.baseUrl}/${req.path}${query ? `?${query}` : ''}`;
  const id = await ctx.bulk.kickOff(requestUrl, spec, req.access);
  return {
    status: 202,
    headers: { 'Content-Location': `${ctx.baseUrl}/$export/${id}` },
    resource: allOk(`Export ${id} started; poll its status at ${ctx.baseUrl}/$export/${id}`),
  };
}
