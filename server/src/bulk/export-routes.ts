// The routes of Bulk Data $export, bound to the export jobs that serve them: fhir-services.ts registers them into the
// route table (fhir/ never imports server/src/bulk). Kick-off at three levels, GET and POST; the status URL (GET,
// DELETE) and the output files under it; {job} and {file} are read by the handlers.
// https://hl7.org/fhir/uv/bulkdata/export.html
import type { Route } from '../fhir/routes.js';
import { exportKickOff } from './export-kick-off.js';
import type { ExportService } from './export-service.js';
import { exportCancel, exportFile, exportStatus } from './export-status.js';

const BULK = 'http://hl7.org/fhir/uv/bulkdata/OperationDefinition';
const STATUS = { name: 'export-status', definition: `${BULK}/export` };

export function exportRoutes(bulk: ExportService): Route[] {
  const kickOffs = (['GET', 'POST'] as const).flatMap((method) =>
    (
      [
        [['$export'], 'system'],
        [['Patient', '$export'], 'patient'],
        [['Group', '{id}', '$export'], 'group'],
      ] as const
    ).map(([pattern, level]): Route => ({
      interaction: 'operation',
      method,
      pattern: [...pattern],
      operation: { name: 'export', definition: `${BULK}/${level === 'system' ? 'export' : `${level}-export`}` },
      handle: (req, p, ctx) => exportKickOff(req, level, p.id, ctx, bulk),
    })),
  );
  return [
    ...kickOffs,
    {
      interaction: 'operation',
      method: 'GET',
      pattern: ['$export', '{job}'],
      operation: STATUS,
      handle: (req, _p, ctx) => exportStatus(req, ctx, bulk),
    },
    {
      interaction: 'operation',
      method: 'DELETE',
      pattern: ['$export', '{job}'],
      operation: STATUS,
      handle: (req) => exportCancel(req, bulk),
    },
    {
      interaction: 'operation',
      method: 'GET',
      pattern: ['$export', '{job}', '{file}'],
      operation: STATUS,
      handle: (req) => exportFile(req, bulk),
    },
  ];
}
