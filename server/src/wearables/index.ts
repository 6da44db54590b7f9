// The wearable import's public face, for the composition root (fhir-services.ts) and the CLI: nothing outside
// server/src/wearables imports its other files.
export { createWearableServices, fitbitOf, wearablesOf, type WearableServices } from './wearable-services.js';
export { wearablePort } from './wearable-port.js';
export { startValidationThread } from './validation-thread/validation-thread.js';
export { detectUpload } from './import/detect-upload.js';
export { runImport } from './import/run-import.js';
export { summaryParameters, type ImportSummary } from './import/import-summary.js';
export { syncFitbit } from './fitbit/fitbit-sync.js';
export { fitbitCallbackRouter } from './fitbit/fitbit-callback.js';
export { progressBar } from './progress-bar.js';
export { parseOptions } from './cli-options.js';
