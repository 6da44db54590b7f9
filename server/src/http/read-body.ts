// Reads and parses a request body: size limit (413), media type (415), UTF-8, shape limits and JSON syntax (400/413).
import type { Request } from 'express';
import { parseFhirJson } from '../core/json.js';
import { payloadTooLarge, unsupportedMediaType } from '../core/outcomes.js';
import { decodeUtf8 } from '../core/utf8.js';
import { isJsonBody, mediaType } from './content-type.js';
import { assertPercentUtf8 } from './percent-utf8.js';

const FORM = 'application/x-www-form-urlencoded';

export interface ParsedBody {
  body?: unknown;
  contentType?: string;
}

export async function readBody(req: Request, limitBytes: number): Promise<ParsedBody> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limitBytes) throw payloadTooLarge(limitBytes);
  const raw = await collect(req, limitBytes);
  if (raw.length === 0) return {};
  const type = mediaType(req.headers['content-type']);
  if (!type) throw unsupportedMediaType('(none)');
  if (type === FORM) {
    const form = decodeUtf8(raw);
    assertPercentUtf8(form, 'The form body');
    return { body: form, contentType: type };
  }
  if (!isJsonBody(type)) throw unsupportedMediaType(type);
  return { body: parseFhirJson(raw), contentType: type };
}

function collect(req: Request, limitBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limitBytes) {
        req.pause();
        reject(payloadTooLarge(limitBytes));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
