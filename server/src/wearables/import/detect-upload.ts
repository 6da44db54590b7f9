// Which wearable format an upload is, from its Content-Type and first bytes (the bytes decide; a
// Content-Type that contradicts them is refused rather than guessed around).
import { OutcomeError, issue, outcome } from '../../core/outcomes.js';
import { detectSource, type WearableSource } from '../../../../mappings/src/index.js';

const JSON_SOURCES: WearableSource[] = ['fitbit', 'google-fit'];
const BY_CONTENT_TYPE: Record<string, WearableSource[] | 'any'> = {
  'application/zip': ['apple-health-zip'],
  'application/x-zip-compressed': ['apple-health-zip'],
  'application/xml': ['apple-health-xml'],
  'text/xml': ['apple-health-xml'],
  'application/json': JSON_SOURCES,
  'text/json': JSON_SOURCES,
  'application/octet-stream': 'any',
};

const DESCRIPTION: Record<WearableSource, string> = {
  fitbit: 'Fitbit JSON',
  'google-fit': 'Google Fit JSON',
  'apple-health-xml': 'an Apple Health export.xml',
  'apple-health-zip': 'an Apple Health export.zip',
};

export function detectUpload(contentType: string | undefined, head: Buffer, fileName: string): WearableSource {
  const accepted = contentType === undefined ? 'any' : BY_CONTENT_TYPE[contentType];
  if (accepted === undefined) {
    throw unsupported(
      `Content-Type '${contentType}' is not a wearable export; send application/json, application/xml, application/zip or application/octet-stream`,
    );
  }
  const detected = detectSource(head, fileName);
  if (detected === undefined) {
    throw unsupported(`${fileName} is not recognisable as Fitbit JSON, Google Fit JSON or an Apple Health export.xml / export.zip`);
  }
  if (accepted !== 'any' && !accepted.includes(detected)) {
    throw unsupported(`Content-Type '${contentType}' does not match ${fileName}, whose content is ${DESCRIPTION[detected]}`);
  }
  return detected;
}

const unsupported = (diagnostics: string) =>
  new OutcomeError('unsupported-media-type', outcome(issue({ code: 'not-supported', diagnostics })));
