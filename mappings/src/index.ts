// The wearable mapping layer's public API: Fitbit, Apple Health and Google Fit data to FibroTrack Observations.
export { InputTooLargeError, MappingError } from './types.js';
export type { DeviceInfo, MappedBatch, MappingOptions, SkippedRecord, WearableSource } from './types.js';
export { detectSource } from './detect.js';
export { mapFitbit } from './fitbit/map-fitbit.js';
export { mapGoogleFit } from './google-fit/map-google-fit.js';
export { toTransactionBundle } from './bundle.js';
export * as codes from './codes.js';
export { mapAppleHealthXml, type AppleOptions } from './apple/map-apple-xml.js';
export { mapAppleHealthZip } from './apple/map-apple-zip.js';
export { DEFAULT_APPLE_LIMITS, type AppleLimits } from './apple/apple-limits.js';
