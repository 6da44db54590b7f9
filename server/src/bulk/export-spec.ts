// What one export is asked to produce, as kick-off stores it with the job (export_job.spec) and the runner reads it.
// https://hl7.org/fhir/uv/bulkdata/export.html#query-parameters
import type { AccessContext } from '../fhir/access-context.js';

export type ExportLevel = 'system' | 'patient' | 'group';

export interface ExportSpec {
  level: ExportLevel;
  /** Group exports: the Group's id (its members are resolved at kick-off into `patients`). */
  groupId?: string;
  /** Types asked for with `_type`; empty: every type the token may read (at patient and group level, the compartment's). */
  types: string[];
  /** `_since` as an ISO instant: only versions written after it. */
  since?: string;
  /** `_typeFilter` queries per type (several for one type are ORed). */
  typeFilters: Record<string, string[]>;
  /** Patient ids the export is confined to (POST `patient`, a Group's members); absent: every patient's. */
  patients?: string[];
}

/** The access policy as the export sees it, for the grant stored with a job (auth wires it: app.ts). */
export interface ExportAccess {
  /** Why the grant may not export resources of `type` at all, or undefined when it may export some. */
  refusal(type: string): string | undefined;
  /** Throws the access policy's 403 when the grant may not export resources of `type` at all (kick-off's `_type`). */
  check(type: string): void;
  /** Whether every resource of `type` is readable, so none needs a check of its own. */
  unrestricted(type: string): boolean;
  /** Of `resources`, those the grant may read (Binaries by their securityContext, read for the whole batch at once). */
  keep<T extends { resourceType: string }>(resources: T[]): Promise<T[]>;
}

export type ExportAccessFor = (access: AccessContext) => ExportAccess;
