// detectSource: tells a wearable file's source from its first bytes (and name): zip, Apple XML, Google Fit or Fitbit JSON.
import type { WearableSource } from './types.js';

const FITBIT_KEYS = /"(activities-heart|activities-steps|activities|summary|sleep|hrv|br|weight|minutes)"\s*:/;
/** SpO2 answers carry only dateTime and value {avg, min, max}, in either order. */
const FITBIT_SPO2 = (text: string) => /"dateTime"\s*:/.test(text) && /"avg"\s*:/.test(text);
const GOOGLE_FIT_KEYS = /"(dataSourceId|dataTypeName|startTimeNanos|minStartTimeNs|bucket|startTimeMillis)"\s*:/;

/** `head` is the first few KB of the file; undefined when it is none of the known sources. */
export function detectSource(head: Buffer, fileName?: string): WearableSource | undefined {
  if (head.length >= 4 && head.readUInt32LE(0) === 0x04034b50) return 'apple-health-zip';
  let text = head.toString('utf8', 0, Math.min(head.length, 64 * 1024));
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const start = text.trimStart();
  if (start.startsWith('<')) {
    // A head cut short inside a long comment still counts when the file is named as the phone names it.
    const apple = /<!DOCTYPE\s+HealthData|<HealthData[\s>]/.test(text) || /(^|[\\/])export\.xml$/i.test(fileName ?? '');
    return apple ? 'apple-health-xml' : undefined;
  }
  if (start.startsWith('{') || start.startsWith('[')) {
    if (GOOGLE_FIT_KEYS.test(text)) return 'google-fit';
    if (FITBIT_KEYS.test(text) || FITBIT_SPO2(text)) return 'fitbit';
    return undefined;
  }
  return undefined;
}
