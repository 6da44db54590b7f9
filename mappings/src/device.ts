// Devices with deterministic identifiers (from manufacturer, model and name) and the conditional references to them.
import type { Device, Reference } from 'fhir/r4.js';
import { DEVICE_ID_SYSTEM, DEVICE_PROFILE } from './codes.js';
import type { DeviceInfo } from './types.js';

/** Lower-case letters, digits and single dashes: safe unescaped in a search URL and in ifNoneExist. */
export const slug = (s: string | undefined): string =>
  (s ?? '')
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');

export function buildDevice(prefix: string, info: DeviceInfo): Device {
  const value = [prefix, slug(info.manufacturer), slug(info.model), slug(info.name)].join(':');
  const device: Device = {
    resourceType: 'Device',
    meta: { profile: [DEVICE_PROFILE] },
    identifier: [{ system: DEVICE_ID_SYSTEM, value }],
  };
  if (info.manufacturer) device.manufacturer = info.manufacturer;
  const name = info.name ?? info.model ?? info.manufacturer;
  if (name) device.deviceName = [{ name, type: 'user-friendly-name' }];
  if (info.model) device.modelNumber = info.model;
  if (info.version) device.version = [{ value: info.version }];
  return device;
}

export const deviceIdentifier = (d: Device): string => d.identifier?.[0]?.value ?? '';

/** The ifNoneExist criteria of a Device; Observation.device references the same string. */
export const deviceCriteria = (d: Device): string => `identifier=${DEVICE_ID_SYSTEM}|${deviceIdentifier(d)}`;

export function deviceReference(d: Device): Reference {
  const ref: Reference = { reference: `Device?${deviceCriteria(d)}` };
  const display = d.deviceName?.[0]?.name;
  if (display) ref.display = display;
  return ref;
}

/** Collects each distinct Device once, in order of first use. */
export class DeviceSet {
  private readonly byId = new Map<string, Device>();
  private fresh: Device[] = [];

  add(d: Device): Device {
    const id = deviceIdentifier(d);
    const known = this.byId.get(id);
    if (known) return known;
    this.byId.set(id, d);
    this.fresh.push(d);
    return d;
  }

  /** The devices added since the last call: each device is handed out once. */
  takeNew(): Device[] {
    const out = this.fresh;
    this.fresh = [];
    return out;
  }
}
