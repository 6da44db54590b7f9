// The wearable import as the wearable operations see it (fhir/operations/import-wearable/wearable-port.ts):
// fhir-services.ts registers the operations' routes with this.
import type { ParametersParameter } from 'fhir/r4.js';
import type { FitbitPort, WearablePort } from '../fhir/operations/import-wearable/wearable-port.js';
import { unlinkFitbit } from './fitbit/fitbit-disconnect.js';
import { authorizeUrl, randomToken } from './fitbit/fitbit-oauth.js';
import { syncFitbit, type SyncResult } from './fitbit/fitbit-sync.js';
import { importUpload } from './import/import-upload.js';
import { summaryParameters } from './import/import-summary.js';
import type { FitbitServices, WearableServices } from './wearable-services.js';

export function wearablePort(services: WearableServices): WearablePort {
  return {
    importUpload: (upload) => importUpload(services, upload),
    importJob: (jobId) => services.jobs.get(jobId),
    fitbit: services.fitbit && fitbitPort(services, services.fitbit),
  };
}

function fitbitPort(services: WearableServices, fitbit: FitbitServices): FitbitPort {
  return {
    async authorizeUrl(patientId, timeZone, startedBy) {
      const state = randomToken();
      const codeVerifier = randomToken();
      await fitbit.store.saveState(state, { patientId, codeVerifier, timeZone, startedBy });
      return authorizeUrl(fitbit.config, fitbit.redirectUri, state, codeVerifier);
    },
    async sync(patientId, timeZone, until) {
      const result = await syncFitbit({ patientId, timeZone, until }, services.ctx, fitbit.store, fitbit.config, services.config.batchSize);
      return summaryParameters(result.summary, syncParameters(result));
    },
    unlink: (patientId, actor) => unlinkFitbit(fitbit, services.linkAudit, patientId, actor),
  };
}

function syncParameters(r: SyncResult): ParametersParameter[] {
  return [
    { name: 'complete', valueBoolean: r.complete },
    { name: 'requests', valueInteger: r.requests },
    ...(r.resumeAt
      ? [
          { name: 'resumeAfter', valueInstant: r.resumeAt.toISOString() },
          { name: 'reason', valueString: r.reason },
        ]
      : []),
    ...Object.entries(r.syncedThrough).map(([type, day]) => ({
      name: 'syncedThrough',
      part: [
        { name: 'type', valueCode: type },
        { name: 'day', valueDate: day },
      ],
    })),
  ];
}
