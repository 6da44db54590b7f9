// The content types a Binary may hold, and how each is served raw. Documents, images, audio, video and plain data:
// nothing a browser would run as a page or script from our origin (text/html, SVG, JavaScript are refused), and a
// raw read sends anything a browser could render inline only for images, PDF and plain text, as an attachment
// otherwise, always with nosniff and a sandboxing CSP. https://hl7.org/fhir/R4/binary.html#security
import { OutcomeError, issue, outcome } from '../core/outcomes.js';

export const BINARY_CONTENT_TYPES: readonly string[] = [
  'application/pdf',
  'image/png',
  'image/jpeg',
  'image/gif',
  'image/webp',
  'image/tiff',
  'image/bmp',
  'application/dicom',
  'text/plain',
  'text/csv',
  'application/rtf',
  'application/json',
  'application/xml',
  'application/octet-stream',
  'application/zip',
  'application/msword',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'application/vnd.ms-excel',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'audio/mpeg',
  'audio/wav',
  'audio/ogg',
  'video/mp4',
  'video/webm',
];
const ALLOWED = new Set(BINARY_CONTENT_TYPES);
const INLINE = /^(image\/(png|jpeg|gif|webp|bmp)|application\/pdf|text\/plain)$/;
/** RFC 9110 media type: type/subtype, then parameters. */
const MEDIA_TYPE =
  /^[a-z0-9][a-z0-9!#$&^_.+-]{0,126}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}(\s*;\s*[a-z0-9!#$&^_.+-]+=("[^"]*"|[a-z0-9!#$&^_.+-]+))*$/i;

/** The content type without parameters, lower-cased; 400 when it is no media type, 415 when we do not store it. */
export function checkContentType(contentType: string | undefined, where: string): string {
  if (contentType === undefined || !MEDIA_TYPE.test(contentType.trim())) {
    throw new OutcomeError(
      'invalid',
      outcome(
        issue({
          code: 'value',
          diagnostics: `${where} '${contentType ?? ''}' is not a media type such as application/pdf`,
          expression: [where],
        }),
      ),
    );
  }
  const base = contentType.split(';')[0].trim().toLowerCase();
  if (!ALLOWED.has(base)) {
    throw new OutcomeError(
      'unsupported-media-type',
      outcome(
        issue({
          code: 'not-supported',
          diagnostics: `${where} '${base}': Binary content of this type is not stored here (it could run as a page or script in a browser, or is unknown); allowed: ${BINARY_CONTENT_TYPES.join(', ')}`,
          expression: [where],
        }),
      ),
    );
  }
  return base;
}

/** Headers of a raw read: the content type as stored, and nothing a browser would execute or sniff. */
export function rawHeaders(contentType: string, id: string): Record<string, string> {
  const base = contentType.split(';')[0].trim().toLowerCase();
  return {
    'X-Content-Type-Options': 'nosniff',
    'Content-Security-Policy': "sandbox; default-src 'none'",
    'Content-Disposition': `${INLINE.test(base) ? 'inline' : 'attachment'}; filename="Binary-${id}"`,
  };
}
