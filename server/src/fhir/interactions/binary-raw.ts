// Binary in its native form (https://hl7.org/fhir/R4/http.html#binary): POST [base]/Binary and PUT [base]/Binary/[id]
// with any Content-Type other than FHIR's store the body as the content (X-Security-Context names the securityContext);
// GET of a Binary whose Accept names no FHIR type answers the bytes with their contentType. Access is that of any
// read or write of the Binary (its securityContext decides: auth/resource-server). https://hl7.org/fhir/R4/binary.html
import type { Readable } from 'node:stream';
import type { Binary } from 'fhir/r4.js';
import { localReference, newId } from '../../core/ids.js';
import { badRequest } from '../../core/outcomes.js';
import { rawHeaders } from '../../binary/content-types.js';
import type { ReadOptions, ResourceVersion } from '../../store/repository.js';
import { blobNameOf } from '../../binary/binary-content.js';
import { isFhirFormat } from '../media-types.js';
import type { FhirContext } from '../fhir-context.js';
import type { FhirRequest, FhirResponse } from '../fhir-request.js';
import { updateLocked } from './update.js';

/** Whether the body was handed over unread: a raw Binary upload (FhirRouter.streamsBody). */
export const isRawBody = (req: FhirRequest): req is FhirRequest & { body: Readable } =>
  typeof (req.body as Readable | undefined)?.pipe === 'function';

/** No _format, and an Accept that names no FHIR type (`*\/*` included): the client wants the content itself. */
export function wantsNative(req: FhirRequest): boolean {
  const accept = req.headers.accept;
  if (req.query.has('_format') || accept === undefined || accept.trim() === '') return false;
  return !accept.split(',').some((r) => isFhirFormat(r.split(';')[0].trim().toLowerCase()));
}

function securityContext(req: FhirRequest): string | undefined {
  const header = req.headers['x-security-context']?.trim();
  if (header === undefined || header === '') return undefined;
  if (!localReference(header))
    throw badRequest(`X-Security-Context '${header}' must be a relative reference such as Patient/123`, 'X-Security-Context');
  return header;
}

async function upload(req: FhirRequest & { body: Readable }, id: string, ctx: FhirContext): Promise<Binary> {
  if (!ctx.binary) throw badRequest('This server stores no raw Binary content');
  return ctx.binary.upload(id, req.body, req.headers['content-type'] ?? '', securityContext(req));
}

export async function rawCreate(req: FhirRequest & { body: Readable }, ctx: FhirContext): Promise<FhirResponse> {
  const binary = await upload(req, newId(), ctx);
  const version = await discardOnFailure(binary, ctx, () => ctx.repo.transaction((repo) => repo.write(binary, undefined, 'POST')));
  return { status: 201, resource: version.resource, version, created: true, isWrite: true };
}

export async function rawUpdate(req: FhirRequest & { body: Readable }, id: string, ctx: FhirContext): Promise<FhirResponse> {
  const binary = await upload(req, id, ctx);
  return discardOnFailure(binary, ctx, () => ctx.repo.transaction((repo) => updateLocked(repo, binary, req.headers['if-match'])));
}

/** The uploaded content is removed again when its write is refused (403, 412) or fails: no object without a row. */
async function discardOnFailure<T>(binary: Binary, ctx: FhirContext, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (err) {
    const name = blobNameOf(binary);
    if (name) await ctx.binary?.discard([name], 'a raw Binary write that did not commit');
    throw err;
  }
}

/** Read options for `type`: a Binary's content is fetched only once the answer needs it (304 and raw reads do not). */
export const contentLater = (type: string, ctx: FhirContext): ReadOptions | undefined =>
  type === 'Binary' && ctx.binary ? { content: false } : undefined;

/** The 200 of a read or vread of a Binary read with contentLater: its bytes, or its JSON with the content in `data`. */
export async function binaryResponse(req: FhirRequest, version: ResourceVersion, ctx: FhirContext): Promise<FhirResponse> {
  if (wantsNative(req)) return nativeResponse(version, ctx);
  return { status: 200, resource: await ctx.binary!.hydrate(version.resource as Binary), version, shape: true };
}

/** The read or vread of a Binary, answered with its bytes (streamed from the blob store). */
async function nativeResponse(version: ResourceVersion, ctx: FhirContext): Promise<FhirResponse> {
  const binary = version.resource as Binary;
  const { stream, bytes } = await ctx.binary!.open(binary);
  return {
    status: 200,
    version,
    headers: rawHeaders(binary.contentType, binary.id ?? version.id),
    raw: { contentType: binary.contentType, stream, bytes },
  };
}
