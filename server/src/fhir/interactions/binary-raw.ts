// Binary in its native form (https://hl7.org/fhir/R4/http.html#binary): POST [base]/Binary and PUT [base]/Binary/[id]
// with any Content-Type other than FHIR's store the body as the content (X-Security-Context names the securityContext);
// GET of a Binary whose Accept names no FHIR type answers the bytes with their contentType. Access is that of any
// read or write of the Binary (its securityContext decides: auth/resource-server). https://hl7.org/fhir/R4/binary.html
import type { Readable } from 'node:stream';
import type { Binary } from 'fhir/r4.js';
import { newId } from '../../core/ids.js';
import { badRequest } from '../../core/outcomes.js';
import { rawHeaders } from '../../binary/content-types.js';
import type { ResourceVersion } from '../../store/repository.js';
import type { FhirContext } from '../fhir-context.js';
import type { FhirRequest, FhirResponse } from '../fhir-request.js';
import { updateLocked } from './update.js';

const FHIR_TYPES = /^(application\/(fhir\+json|json|fhir\+xml|xml)|text\/(json|xml)|json|xml)$/;
const REFERENCE = /^[A-Z][A-Za-z]+\/[A-Za-z0-9\-.]{1,64}$/;

/** Whether the body was handed over unread: a raw Binary upload (FhirRouter.streamsBody). */
export const isRawBody = (req: FhirRequest): req is FhirRequest & { body: Readable } =>
  typeof (req.body as Readable | undefined)?.pipe === 'function';

/** No _format, and an Accept that names no FHIR type (`*\/*` included): the client wants the content itself. */
export function wantsNative(req: FhirRequest): boolean {
  const accept = req.headers.accept;
  if (req.query.has('_format') || accept === undefined || accept.trim() === '') return false;
  return !accept.split(',').some((r) => FHIR_TYPES.test(r.split(';')[0].trim().toLowerCase()));
}

function securityContext(req: FhirRequest): string | undefined {
  const header = req.headers['x-security-context']?.trim();
  if (header === undefined || header === '') return undefined;
  if (!REFERENCE.test(header)) throw badRequest(`X-Security-Context '${header}' must be a relative reference such as Patient/123`, 'X-Security-Context');
  return header;
}

async function upload(req: FhirRequest & { body: Readable }, id: string, ctx: FhirContext): Promise<Binary> {
  if (!ctx.binary) throw badRequest('This server stores no raw Binary content');
  return ctx.binary.upload(id, req.body, req.headers['content-type'] ?? '', securityContext(req));
}

export async function rawCreate(req: FhirRequest & { body: Readable }, ctx: FhirContext): Promise<FhirResponse> {
  const binary = await upload(req, newId(), ctx);
  const version = await ctx.repo.transaction((repo) => repo.write(binary, undefined, 'POST'));
  return { status: 201, resource: version.resource, version, created: true, isWrite: true };
}

export async function rawUpdate(req: FhirRequest & { body: Readable }, id: string, ctx: FhirContext): Promise<FhirResponse> {
  const binary = await upload(req, id, ctx);
  return ctx.repo.transaction((repo) => updateLocked(repo, binary, req.headers['if-match']));
}

/** The read or vread of a Binary, answered with its bytes. */
export async function nativeResponse(version: ResourceVersion, ctx: FhirContext): Promise<FhirResponse> {
  const binary = version.resource as Binary;
  const { stream, bytes } = await ctx.binary!.open(binary);
  return { status: 200, version, headers: rawHeaders(binary.contentType, binary.id ?? version.id), raw: { contentType: binary.contentType, stream, bytes } };
}
