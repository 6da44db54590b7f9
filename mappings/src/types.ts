// The public types of the wearable mapping layer: options, batches, skipped records and the error thrown on bad input.
import type { Device, Observation } from 'fhir/r4.js';

export type WearableSource = 'fitbit' | 'apple-health-xml' | 'apple-health-zip' | 'google-fit';

/** A device the source does not name itself (Fitbit responses never say which tracker recorded them). */
export interface DeviceInfo {
  manufacturer?: string;
  model?: string;
  name?: string;
  version?: string;
}

export interface MappingOptions {
  /** Observation.subject.reference, e.g. `Patient/123`. */
  patientReference: string;
  /** IANA zone of the patient (Fitbit local times are placed in it, DST-aware; Google Fit instants are shown in it). */
  timeZone?: string;
  /** Fixed offset such as `+02:00`, used instead of timeZone when given. */
  utcOffset?: string;
  /** Skip bad records and report them instead of throwing a MappingError at the first one. */
  bestEffort?: boolean;
  /** Named in errors and skipped-record positions. */
  fileName?: string;
  /** Fitbit only: the unit `weight` arrives in (it follows the request's Accept-Language); default kg. */
  weightUnit?: 'kg' | 'lb' | 'stone';
  /** Fitbit only: the date (yyyy-MM-dd) a daily activity summary was asked for (its response does not name it). */
  date?: string;
  /** Fitbit only: the tracker, when the caller knows it (from /1/user/-/devices.json). Default: manufacturer Fitbit. */
  device?: DeviceInfo;
}

export interface SkippedRecord {
  /** Where the record is: `export.xml line 1203` or `sleep[2].levels.data[5]`. */
  position: string;
  reason: string;
  /** How many records this entry stands for (a summary of drops for one reason); 1 when absent. */
  count?: number;
}

export interface MappedBatch {
  observations: Observation[];
  devices: Device[];
  skipped: SkippedRecord[];
}

/** Bad input, thrown unless bestEffort: names the file and the position of the first bad record. */
export class MappingError extends Error {
  fileName?: string;
  position?: string;

  constructor(reason: string, fileName?: string, position?: string) {
    super(`${[fileName, position].filter(Boolean).join(' ') || 'input'}: ${reason}`);
    this.name = 'MappingError';
    this.fileName = fileName;
    this.position = position;
  }
}

/** Input beyond a limit the caller set (an export.zip entry inflating too far): the server answers 413. */
export class InputTooLargeError extends MappingError {
  constructor(reason: string, fileName?: string, position?: string) {
    super(reason, fileName, position);
    this.name = 'InputTooLargeError';
  }
}
