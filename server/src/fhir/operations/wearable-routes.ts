// The routes of the wearable operations, bound to the wearable import that serves them: fhir-services.ts
// registers them into the route table (fhir/ never imports server/src/wearables).
// https://fhir.fibrotrack.org/OperationDefinition/import-wearable
import type { Route } from '../routes.js';
import { connectFitbit, disconnectFitbit, syncFitbitOperation } from './fitbit/fitbit-operations.js';
import { importStatus } from './import-wearable/import-status.js';
import { importWearable } from './import-wearable/import-wearable.js';
import type { WearablePort } from './import-wearable/wearable-port.js';

const OPERATIONS = 'https://fhir.fibrotrack.org/OperationDefinition';

export function wearableRoutes(port: WearablePort): Route[] {
  return [
    {
      interaction: 'operation',
      method: 'POST',
      pattern: ['Patient', '{id}', '$import-wearable'],
      streamsBody: true,
      operation: { name: 'import-wearable', definition: `${OPERATIONS}/import-wearable` },
      handle: (req, p, ctx) => importWearable(req, p.id, ctx, port),
    },
    // The status URL of an asynchronous import; {job} is read by the handler.
    {
      interaction: 'operation',
      method: 'GET',
      pattern: ['Patient', '{id}', '$import-wearable', '{job}'],
      handle: (req, p) => importStatus(req, p.id, port),
    },
    {
      interaction: 'operation',
      method: 'POST',
      pattern: ['Patient', '{id}', '$connect-fitbit'],
      operation: { name: 'connect-fitbit', definition: `${OPERATIONS}/connect-fitbit` },
      handle: (req, p, ctx) => connectFitbit(req, p.id, ctx, port),
    },
    {
      interaction: 'operation',
      method: 'POST',
      pattern: ['Patient', '{id}', '$disconnect-fitbit'],
      operation: { name: 'disconnect-fitbit', definition: `${OPERATIONS}/disconnect-fitbit` },
      handle: (req, p, ctx) => disconnectFitbit(req, p.id, ctx, port),
    },
    {
      interaction: 'operation',
      method: 'POST',
      pattern: ['Patient', '{id}', '$sync-fitbit'],
      operation: { name: 'sync-fitbit', definition: `${OPERATIONS}/sync-fitbit` },
      handle: (req, p, ctx) => syncFitbitOperation(req, p.id, ctx, port),
    },
  ];
}
