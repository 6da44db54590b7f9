// The query parameters of Patient/$import-wearable: timeZone, utcOffset, bestEffort (and the upload's name).
// https://fhir.fibrotrack.org/OperationDefinition/import-wearable
import { IANAZone } from 'luxon';
import { badRequest, invalidParameter, unknownParameter } from '../../../core/outcomes.js';

export interface ImportParams {
  timeZone?: string;
  utcOffset?: string;
  bestEffort: boolean;
}

const KNOWN = new Set(['timeZone', 'utcOffset', 'bestEffort', '_format', '_pretty']);
const OFFSET = /^[+-](0\d|1[0-4]):?[0-5]\d$/;

export function parseImportParams(query: URLSearchParams): ImportParams {
  for (const key of query.keys()) {
    if (!KNOWN.has(key))
      throw unknownParameter(`$import-wearable has no parameter '${key}'; it takes timeZone, utcOffset and bestEffort`, key);
  }
  const bestEffort = single(query, 'bestEffort');
  if (bestEffort !== undefined && bestEffort !== 'true' && bestEffort !== 'false') {
    throw invalidParameter(`bestEffort must be true or false, got '${bestEffort}'`, 'bestEffort');
  }
  return checkParams({ timeZone: single(query, 'timeZone'), utcOffset: single(query, 'utcOffset'), bestEffort: bestEffort === 'true' });
}

/** The same rules whether the options came in the query or in a Parameters body. */
export function checkParams(p: ImportParams): ImportParams {
  if (p.timeZone !== undefined && !IANAZone.isValidZone(p.timeZone)) {
    throw invalidParameter(`timeZone '${p.timeZone}' is not an IANA time zone (e.g. Europe/Berlin)`, 'timeZone');
  }
  if (p.utcOffset !== undefined && !OFFSET.test(p.utcOffset)) {
    throw invalidParameter(`utcOffset '${p.utcOffset}' must look like +02:00 or -0530`, 'utcOffset');
  }
  return p;
}

function single(query: URLSearchParams, name: string): string | undefined {
  const values = query.getAll(name);
  if (values.length > 1) throw badRequest(`${name} may be given once`, name, 'MSG_PARAM_NO_REPEAT');
  return values[0];
}

/** The upload's own name from Content-Disposition (`attachment; filename="export.zip"`), for messages. */
export function uploadFileName(contentDisposition: string | undefined): string | undefined {
  if (!contentDisposition) return undefined;
  const star = /filename\*\s*=\s*(?:UTF-8'')?([^;]+)/i.exec(contentDisposition);
  if (star) {
    try {
      return baseName(decodeURIComponent(star[1].trim().replace(/^"|"$/g, '')));
    } catch {
      return undefined;
    }
  }
  const plain = /filename\s*=\s*("([^"]*)"|[^;]+)/i.exec(contentDisposition);
  return plain ? baseName((plain[2] ?? plain[1]).trim()) : undefined;
}

const baseName = (name: string) => name.split(/[\\/]/).pop() || undefined;
