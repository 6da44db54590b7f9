// Devices of Apple Health records: the stringified HKDevice of the `device` attribute, else the source app.
import type { Device } from 'fhir/r4.js';
import { buildDevice } from '../device.js';
import type { DeviceInfo } from '../types.js';
import { detach } from './xml-scanner.js';

/** `<<HKDevice: 0x…>, name:Apple Watch, manufacturer:Apple Inc., model:Watch, hardware:Watch6,1, software:9.1, …>`:
 *  fields split at ", key:" (a value such as "Watch6,1" may hold a comma, but not one followed by a key). */
export function parseHkDevice(s: string): DeviceInfo & { hardware?: string } {
  const fields = new Map<string, string>();
  const body = s.replace(/^<<HKDevice:[^>]*>,?\s*/, '').replace(/>\s*$/, '');
  for (const part of body.split(/,\s*(?=[A-Za-z][A-Za-z ]*:)/)) {
    const colon = part.indexOf(':');
    if (colon > 0) fields.set(part.slice(0, colon).trim(), part.slice(colon + 1).trim());
  }
  const field = (key: string) => fields.get(key) || undefined;
  return {
    name: field('name'),
    manufacturer: field('manufacturer'),
    model: field('model'),
    hardware: field('hardware'),
    version: field('software'),
  };
}

/** Apple's own sources (a watch or phone named in the source, the Health app itself) are Apple's; an app that
 *  names no maker stands for its maker under its own name (the wearable-device profile requires a manufacturer). */
const makerOf = (source: string): string => (/apple\s*watch|iphone|ipad|^health$/i.test(source) ? 'Apple Inc.' : detach(source));

export interface AppleDevice {
  device: Device;
  /** Step counts from a watch win over the phone's (see README: steps recorded twice). */
  isWatch: boolean;
}

/** One Device per distinct device string and source. Few distinct ones exist, so the cache stays small; it is
 *  keyed by the strings themselves (the scanner hands out the same decoded device string again and again). */
export class AppleDevices {
  private readonly cache = new Map<string, Map<string, AppleDevice>>();
  private size = 0;

  of(deviceAttr: string | undefined, sourceName: string, manufacturerMeta?: string): AppleDevice {
    const outer = deviceAttr ?? (manufacturerMeta === undefined ? '' : `\u0000${manufacturerMeta}`);
    let bySource = this.cache.get(outer);
    const hit = bySource?.get(sourceName);
    if (hit) return hit;
    // Cached for the whole export: copies, not slices of the scanner's chunk (see detach).
    const info = deviceAttr
      ? parseHkDevice(detach(deviceAttr))
      : { name: detach(sourceName), manufacturer: manufacturerMeta && detach(manufacturerMeta) };
    const model = 'hardware' in info && info.hardware ? info.hardware : info.model;
    const device = buildDevice('apple', {
      manufacturer: info.manufacturer ?? makerOf(info.name ?? sourceName),
      model,
      name: info.name ?? detach(sourceName),
      version: info.version,
    });
    // Exports before iOS 10 name no device: the watch shows only in the source's name ("Jane's Apple Watch").
    const made = { device, isWatch: deviceAttr ? /watch/i.test(`${info.model ?? ''} ${model ?? ''}`) : /apple\s*watch/i.test(sourceName) };
    if (++this.size > 10_000) {
      this.cache.clear();
      this.size = 1;
      bySource = undefined;
    }
    if (!bySource) this.cache.set(detach(outer), (bySource = new Map<string, AppleDevice>()));
    bySource.set(detach(sourceName), made);
    return made;
  }
}
