// A websocket message's payload as UTF-8 text. ws hands a frame over as one Buffer (binaryType 'nodebuffer', its
// default); the other shapes of RawData (fragments, an ArrayBuffer) are decoded too rather than printed as objects.
import type { RawData } from 'ws';

export function rawText(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString();
  return (Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data)).toString();
}
