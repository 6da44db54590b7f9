// The other body $import-wearable accepts: a Parameters resource with the file as `file` (an Attachment,
// base64) and the options as parameters. Its file is decoded to a spool file of its own, so the rest of
// the import does not know which form arrived. https://fhir.fibrotrack.org/OperationDefinition/import-wearable
import { randomUUID } from 'node:crypto';
import { readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Parameters } from 'fhir/r4.js';
import { badRequest, payloadTooLarge } from '../../core/outcomes.js';
import { parseFhirJson } from '../../core/json.js';
import { mediaType } from '../../http/content-type.js';
import type { ImportParams } from '../../fhir/operations/import-wearable/import-params.js';
import { MAX_JSON_BYTES } from './mapped-batches.js';
import type { SpooledFile } from './spool-upload.js';

export const isParametersBody = (contentType: string | undefined, head: Buffer) =>
  contentType === 'application/fhir+json' || /^\s*\{\s*"resourceType"\s*:\s*"Parameters"/.test(head.toString('utf8', 0, 200));

export interface UnwrappedUpload {
  file: SpooledFile;
  contentType?: string;
  params: ImportParams;
}

export async function unwrapParameters(spooled: SpooledFile, query: ImportParams, spoolDir: string): Promise<UnwrappedUpload> {
  if ((await stat(spooled.path)).size > MAX_JSON_BYTES) throw payloadTooLarge(MAX_JSON_BYTES);
  const body = parseFhirJson(await readFile(spooled.path)) as Parameters;
  if (body?.resourceType !== 'Parameters')
    throw badRequest('A FHIR JSON body must be a Parameters resource carrying the file as `file`', 'resourceType');
  const named = (name: string) => (body.parameter ?? []).filter((p) => p.name === name);
  const one = (name: string) => {
    const found = named(name);
    if (found.length > 1) throw badRequest(`Parameter '${name}' may be given once`, `Parameters.parameter[${name}]`);
    return found[0];
  };
  for (const p of body.parameter ?? []) {
    if (!['file', 'timeZone', 'utcOffset', 'bestEffort'].includes(p.name))
      throw badRequest(`$import-wearable has no parameter '${p.name}'`, `Parameters.parameter[${p.name}]`);
  }
  const attachment = one('file')?.valueAttachment;
  if (!attachment?.data)
    throw badRequest('Parameter `file` must be an Attachment with base64 data', 'Parameters.parameter[file].valueAttachment.data');
  const params: ImportParams = {
    timeZone: one('timeZone')?.valueString ?? query.timeZone,
    utcOffset: one('utcOffset')?.valueString ?? query.utcOffset,
    bestEffort: one('bestEffort')?.valueBoolean ?? query.bestEffort,
  };
  const data = Buffer.from(attachment.data, 'base64');
  const path = join(spoolDir, `fibrotrack-upload-${randomUUID()}`);
  await writeFile(path, data, { flag: 'wx', mode: 0o600 });
  await rm(spooled.path, { force: true });
  return { file: { path, bytes: data.length, head: data.subarray(0, 4096) }, contentType: mediaType(attachment.contentType), params };
}
