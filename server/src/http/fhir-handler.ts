// The express adapter for the FHIR API: request -> FhirRequest -> router -> response.
import type { NextFunction, Request, Response } from 'express';
import type { Resource } from 'fhir/r4.js';
import type { AccessContext } from '../fhir/access-context.js';
import type { FhirContext } from '../fhir/fhir-context.js';
import type { FhirMethod, FhirRequest, FhirResponse } from '../fhir/fhir-request.js';
import { returnPreference, writeBody } from '../fhir/prefer.js';
import { handleFhirRequest } from '../fhir/router.js';
import { mediaType as bodyMediaType, responseType } from './content-type.js';
import { clientGoneSignal } from './client-gone.js';
import { assertPercentUtf8 } from './percent-utf8.js';
import { readBody } from './read-body.js';
import { sendFhirResponse } from './send.js';
import { shapeResponse } from './shape-response.js';
import { badRequest } from '../core/outcomes.js';
import { etagOf } from '../fhir/etag.js';

export interface FhirHandlerOptions {
  maxBodyBytes: number;
  /** AUTH_MODE=smart: the context an authenticated request runs in (auth/resource-server). */
  contextFor?: (req: FhirRequest, ctx: FhirContext, locals: Record<string, unknown>) => FhirContext;
}

export function fhirHandler(ctx: FhirContext, opts: FhirHandlerOptions) {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    try {
      const url = new URL(req.originalUrl, 'http://local');
      assertPercentUtf8(url.search.slice(1), 'The query string');
      const query = url.searchParams;
      const path = decodePath(req.path);
      // A GET may answer something other than FHIR JSON (an export's ndjson file): its Accept is judged by what it answers.
      let mediaType = '';
      let unacceptable: unknown;
      try {
        mediaType = responseType(query.get('_format'), req.headers.accept);
      } catch (err) {
        if (req.method !== 'GET') throw err;
        unacceptable = err;
      }
      // Wearable uploads run to gigabytes: their route reads the stream itself, under its own limit, and stops
      // its work when the client goes.
      const streams = ctx.router.streamsBody(req.method, path, bodyMediaType(req.headers['content-type']));
      const { body, contentType } = streams
        ? { body: req, contentType: bodyMediaType(req.headers['content-type']) }
        : await readBody(req, opts.maxBodyBytes);
      const fhirReq: FhirRequest = {
        method: req.method as FhirMethod,
        path,
        query,
        headers: req.headers as Record<string, string | undefined>,
        body,
        contentType,
        access: res.locals.access as AccessContext | undefined,
        signal: streams ? clientGoneSignal(res) : undefined,
      };
      const fhirRes = await handleFhirRequest(fhirReq, opts.contextFor ? opts.contextFor(fhirReq, ctx, res.locals) : ctx);
      if (fhirRes.raw) {
        sendRaw(res, fhirRes, fhirRes.raw);
        return;
      }
      // A 304 has no body to be unacceptable (a Binary's conditional read asked with the content's own type).
      // eslint-disable-next-line @typescript-eslint/only-throw-error -- content negotiation's own error, held until now
      if (unacceptable && fhirRes.status !== 304) throw unacceptable;
      let out: Resource | undefined = fhirRes.resource;
      if (fhirRes.isWrite) out = writeBody(out, returnPreference(req.get('prefer'), 'representation'), fhirRes.status, fhirRes.issues);
      else if (out && fhirRes.shape) out = shapeResponse(out, query, ctx.defs);
      if (req.method === 'HEAD') out = undefined;
      sendFhirResponse(res, fhirRes, out, { mediaType, pretty: query.get('_pretty') === 'true', baseUrl: ctx.baseUrl });
    } catch (err) {
      next(err);
    }
  };
}

function sendRaw(res: Response, fhirRes: FhirResponse, raw: NonNullable<FhirResponse['raw']>): void {
  res.status(fhirRes.status);
  if (fhirRes.version) {
    res.setHeader('ETag', etagOf(fhirRes.version.versionId));
    res.setHeader('Last-Modified', new Date(fhirRes.version.lastUpdated).toUTCString());
  }
  for (const [k, v] of Object.entries(fhirRes.headers ?? {})) res.setHeader(k, v);
  res.setHeader('Content-Type', raw.contentType);
  if (raw.bytes !== undefined) res.setHeader('Content-Length', String(raw.bytes));
  // A download cut short by the client, or a store failing mid-stream, ends the response; nothing is left open.
  raw.stream.on('error', () => res.destroy());
  res.on('close', () => raw.stream.destroy());
  raw.stream.pipe(res);
}

function decodePath(path: string): string {
  try {
    return decodeURIComponent(path.replace(/^\/+/, ''));
  } catch {
    throw badRequest(`The URL path '${path}' is not validly percent-encoded`);
  }
}
