// What the wearable operations ($import-wearable and its status URL, $connect-fitbit, $sync-fitbit,
// $disconnect-fitbit) need from the wearable import. server/src/wearables implements it and fhir-services.ts
// registers the operations with it, so fhir/ holds the operations' FHIR side without importing the feature.
import type { Readable } from 'node:stream';
import type { Parameters } from 'fhir/r4.js';
import type { ImportParams } from './import-params.js';

/** An upload as the operation received it: the body still unread, the parameters already checked. */
export interface WearableUpload {
  patientId: string;
  body: Readable;
  contentType?: string;
  /** The Content-Length header, when the client sent one (0 otherwise). */
  contentLength: number;
  fileName: string;
  params: ImportParams;
  /** Prefer: respond-async: run as a job and answer its id. */
  respondAsync: boolean;
  /** Aborted when the client goes away. */
  signal?: AbortSignal;
}

/** The state of an import job, as its status URL reports it. */
export interface ImportJobView {
  patientId: string;
  state: 'running' | 'done' | 'failed';
  /** One line for X-Progress. */
  progress: string;
  heartbeatAt: Date;
  /** The job's answer: Parameters when done, an OperationOutcome when failed, with the status it was given. */
  result?: unknown;
  resultStatus?: number;
}

/** Who asked for an unlink, for its AuditEvent. */
export interface LinkActor {
  clientId?: string;
  fhirUser?: string;
  subject?: string;
}

export interface FitbitPort {
  /** Remembers a link being started and answers the Fitbit authorization URL to send the user to. */
  authorizeUrl(patientId: string, timeZone: string | undefined, startedBy: string | undefined): Promise<string>;
  /** An incremental pull into the patient's record, answered as the operation's out Parameters. */
  sync(patientId: string, timeZone: string | undefined, until: string | undefined): Promise<Parameters>;
  /**
   * Deletes the link and its tokens, then revokes them at Fitbit, best effort. Undefined when the patient has no
   * link; `revokeProblem` says why Fitbit did not confirm the revocation (the link is gone all the same).
   */
  unlink(patientId: string, actor: LinkActor): Promise<{ fitbitUserId: string; revokeProblem?: string } | undefined>;
}

export interface WearablePort {
  /** Spools, recognises, maps, validates and stores the upload (or starts a job doing so). */
  importUpload(upload: WearableUpload): Promise<{ answer: Parameters } | { jobId: string }>;
  importJob(jobId: string): Promise<ImportJobView | undefined>;
  /** Absent when Fitbit is not configured. */
  fitbit?: FitbitPort;
}

export const FITBIT_NOT_CONFIGURED =
  'Fitbit sync is not configured on this server (FITBIT_CLIENT_ID, FITBIT_CLIENT_SECRET, FITBIT_TOKEN_KEY)';
